"""Addresses of pages, for domain code that writes links (e-mails, exports, print).

Domains do not know the web's routes (the layers point down): the web layer registers, when
it starts, how each named page is reached (`register`), and a domain asks for it by name
(`path`, `absolute`). A name that nobody registered is a programming error, said at once."""

from collections.abc import Callable

from pepites.core.siteurl import site_url

PathBuilder = Callable[..., str]
_builders: dict[str, PathBuilder] = {}


def register(name: str, builder: PathBuilder) -> None:
    """Say how the page `name` is reached: `builder(**arguments)` returns its path."""
    _builders[name] = builder


def path(name: str, **arguments: object) -> str:
    """The path of the page `name` (e.g. "initiative", slug=…), starting with "/"."""
    try:
        builder = _builders[name]
    except KeyError:
        raise LookupError(f"No page registered under the name {name!r}.") from None
    return builder(**arguments)


def absolute(name: str, **arguments: object) -> str:
    """The page's full address on this instance (see pepites.core.siteurl)."""
    return site_url() + path(name, **arguments)
