"""Results as figures, per initiative and per year (people reached, of whom QPV residents,
jobs, activities created, budget): model, writes, reads, open-data file and its import."""
