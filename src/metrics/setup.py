"""One call puts the metrics into an app (create_app): the counters, their middleware, the relay's hook, and
/metrics when METRICS_TOKEN is set."""

from starlette.applications import Starlette

from src.metrics.instruments import Metrics
from src.metrics.middleware import CountResponses
from src.metrics.scrape import metrics_route
from src.settings import Settings


def install_metrics(app: Starlette, settings: Settings) -> None:
    """After app.state.events exists, before the app serves."""
    metrics = Metrics()
    app.state.metrics = metrics
    app.add_middleware(CountResponses, metrics=metrics)  # outermost: it sees the 413s of the body limit
    app.state.events.relay.on_events = metrics.published
    if settings.METRICS_TOKEN:
        app.router.routes.append(metrics_route(settings.METRICS_TOKEN))
