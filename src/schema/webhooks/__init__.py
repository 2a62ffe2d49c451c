"""Webhooks (issue 10): administrators register URLs that receive events as signed POSTs, and read every
delivery attempt (src/events/webhooks)."""
