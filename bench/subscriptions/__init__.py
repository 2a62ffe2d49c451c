"""Subscription benchmark (issue 10): time from a mutation's commit to receipt at every subscribed client,
and server CPU per event delivered, with 1 server process and with 2 server processes sharing Redis.

    uv run python -m bench.subscriptions [--connections 500] [--rate 20] [--seconds 20]
                                         [--redis-url redis://127.0.0.1:6379/11] [--burst 2]
                                         [--processes 1 2] [--selection related flat]
                                         [--client-processes 2] [--mutations-via first|all]
                                         [--shared-tokens] [--no-baseline] [--drain 120] [--profile DIR]
                                         [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]

A new database (a temporary SQLite file; with --database-url, a database of its own on that PostgreSQL server,
dropped afterwards) gets the reference and demo data, a few users of the province's finance
department (510000: sees every event), of 成都市's finance (510100: sees these events; subscribes with
`regionCode: "510100"`) and of 攀枝花市's finance (510300: may see none of them; half subscribe without a
filter, so the hub's visibility check rejects the events, half with `regionCode: "510300"`, so the filter
does), a TAX user of 510100 and a pool of DRAFT goals of 510100.

Each setup starts its servers as separate OS processes (`python -m src.cli serve --no-demo --workers 1`,
GRAPHIQL off; with 2 processes REDIS_URL is set and the connections are split evenly between them), then
--client-processes load-generator processes open --connections graphql-transport-ws connections
(`websockets`, no compression; 80 % province, 10 % 成都, 10 % 攀枝花; each with its own access token unless
--shared-tokens) and subscribe to `statusChanged`, selecting either the region and fund by name
(`related`) or only the event's own fields (`flat`). A first run without subscribers measures what the
mutations alone cost the server (--no-baseline skips it).

Events: goalTaxConcur and goalTaxObject alternately, over HTTP to the first server (--mutations-via all:
to each in turn), on the pool's goals in turn, --rate a second in bursts of --burst sent at once (open
loop: a burst does not wait for the previous one; DATABASE_BUSY is retried, as a client is told to).
After a warm-up burst that every connection must receive, --seconds are measured. Each mutation's event
id is read back from the outbox afterwards (per goal, its mutations in order are its events in id order),
so every (event, client) delivery is matched by id. Latency = the client's receive time (when the message's
bytes reached the client process, StampedConnection; not when that process's loop got to it) − the arrival of
the mutation's HTTP response (the commit is before it), and − the start of the request that succeeded;
all clocks are this machine's CLOCK_MONOTONIC. Percentiles are over every delivery owed, a lost one
counting as never. CPU is utime+stime from /proc/<pid>/stat over the measured window (from just before
the first measured event until every delivery arrived or --drain ran out): per server process, per event
produced and per delivery (in brackets: less the mutations' own CPU per event from the run without
subscribers); "clients CPU" is the load generator's, its busiest process's in brackets (near 100 %, the
clients would be the bottleneck: add --client-processes); "other processes" is what the rest of the machine
used meanwhile (a shared machine). The client processes run in a process group of their own. "Server write
calls / delivery" is syscw of /proc/<pid>/io over the window per delivery (in brackets: less the mutations'
own, SQLite's file writes among them): 1 when each message is a write of its own, 0.5 when a burst of 2
leaves in one.

--profile DIR runs each server under cProfile (bench/subscriptions/profiled.py), switched on for the measured
window only and timed in CPU seconds; `python -m pstats DIR/server-1-related-0.prof` reads it. A profiled
run is slower: its figures are not the ones to report.
"""
