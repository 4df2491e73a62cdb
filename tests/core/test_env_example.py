import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_read_is_documented_in_env_example():
    sources = [ROOT / "config" / "settings.py", ROOT / "config" / "server.py"]
    pattern = re.compile(
        r"""(?:environ\.get|env\.get|env_bool|env_list|env_int|env_float)\(\s*["']([A-Z_]+)["']"""
    )
    setting = re.compile(r"""_positive\(\s*env,\s*["']([A-Z_]+)["']""")  # config/server.py
    used = {
        name
        for path in sources
        for name in pattern.findall(path.read_text()) + setting.findall(path.read_text())
    }
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert used, "no environment variable found: the pattern is out of date"
    assert used - documented == set()
