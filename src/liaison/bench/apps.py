from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark and the generator: no models, a management command (`liaison bench`)."""

    name = "liaison.bench"
    label = "bench"
    verbose_name = "Benchmark"
