"""Programmes and labels: the national and local programmes an initiative belongs to, and the
labels a centre or the national team grants it; labels derived from elsewhere (an issue of
the publication featuring it) are declared by their owner through `derived`, never entered
twice. Both are filters everywhere filters exist (see filters.py) and badges on the pages."""
