"""Webhooks (issue 10): events delivered as signed POSTs to URLs that administrators register, for systems
that cannot hold a socket. registry.py and reads.py manage them, signing.py signs (and verifies) a
delivery, dispatcher.py delivers with retries and backoff, runner.py runs the dispatcher in a process."""
