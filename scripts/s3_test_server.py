"""A local S3-compatible server for scripts/test's object-storage run: moto's, on 127.0.0.1:PORT, with
the bucket BUCKET created; it prints "ready" once the bucket exists and serves until it is stopped.

    .venv/bin/python scripts/s3_test_server.py PORT BUCKET
"""
import signal
import sys
import threading

import boto3
from moto.server import ThreadedMotoServer


def main(port: int, bucket: str) -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                 aws_access_key_id="testing", aws_secret_access_key="testing").create_bucket(Bucket=bucket)
    print("ready", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
