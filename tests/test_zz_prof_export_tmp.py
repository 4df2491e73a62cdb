import cProfile, io, pstats, time
from pepites.initiatives import exports
from pepites.initiatives.demo import generate_initiatives
def test_prof(reference_data):
    generate_initiatives(count=3000, seed=1)
    def run():
        buf = io.BytesIO()
        exports.write_csv(exports.iter_initiatives(exports.export_queryset()), buf)
    cProfile.runctx("run()", globals(), {"run": run}, "/tmp/odwork/prof3")
    pstats.Stats("/tmp/odwork/prof3").sort_stats("cumulative").print_stats(25)
