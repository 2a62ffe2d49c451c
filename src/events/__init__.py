"""Status changes as events: written to the outbox with the change (outbox.py), published after commit by a
relay (relay.py) on a bus (bus.py: in-process, or Redis pub/sub across processes), read back for catch-up
(reads.py), and filtered per subscriber by what it may read (visibility.py)."""
