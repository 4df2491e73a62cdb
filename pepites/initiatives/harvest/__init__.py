"""The centres' own maps, harvested: a registered source (uMap datalayer, GoGoCarto API,
CSV or XLSX address) is fetched on a schedule (`fetch`: timeouts, size limit, conditional
GET), run through the importer as a dry run, and its differences with what is published
(new, changed, disappeared) wait in the workspace for the centre's decision (`services`),
unless the centre chose to always accept them."""
