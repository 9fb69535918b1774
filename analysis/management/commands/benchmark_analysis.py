import json
import resource
import time

from django.core.management.base import BaseCommand, CommandError

from analysis import benchmark
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Build a synthetic round of M managers × D days in the configured database and time the friction "
        "ranking against a bare SQL GROUP BY over the same lines. Prints JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--managers", type=int, default=300)
        parser.add_argument("--days", type=int, default=10)
        parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query (median is printed)")
        parser.add_argument("--reuse", action="store_true", help="reuse a round of this size built earlier")
        parser.add_argument("--keep", action="store_true", help="keep the synthetic round afterwards")
        parser.add_argument(
            "--page",
            action="store_true",
            help="also time every analysis page, chart and download (cold, warm, queries, size) as a project member",
        )

    def handle(self, *args, managers, days, repeat, reuse, keep, page, **options):
        if managers < 3 or days < 1:
            raise CommandError("use at least 3 managers and 1 day")
        started = time.perf_counter()
        survey = Survey.objects.filter(slug=benchmark.benchmark_slug(managers, days)).first() if reuse else None
        if survey is None:
            survey = benchmark.build_round(managers=managers, days=days)
        benchmark.settle()
        built = time.perf_counter() - started
        result = benchmark.run(survey=survey, repeat=repeat)
        if page:
            result.update(benchmark.time_pages(survey=survey, repeat=repeat))
        result["build_seconds"] = round(built, 1)
        result["process_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        if not keep:
            benchmark.drop_round(survey)
        self.stdout.write(json.dumps(result, indent=2))
