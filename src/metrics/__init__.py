"""/metrics: the Prometheus view of a server (README, Metrics).

multiprocess.py prepares the directory `fundperf serve`'s workers share their counts through; instruments.py
holds the metrics a process counts; extension.py and middleware.py count operations and cached responses;
scrape.py answers /metrics, adding what is read when it is asked (report jobs, Redis).
"""
