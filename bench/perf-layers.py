#!/usr/bin/env python3
"""Splits a profile of switchboard-service or bench-skeleton into the layers of a webhook.

perf's own reports sort by function; a layer is a function anywhere on the stack (the writer's
read of its batch's calls, the signature check), so each sample goes to the first layer below
found anywhere in its call chain. Given the process's CPU per webhook from a run without perf
(perf's stack copies inflate it), each layer's share becomes microseconds per webhook.

    perf record -F 500 --call-graph dwarf,16384 -p <pid> -o service.data -- sleep 5
    perf script -i service.data -F comm,tid,ip,sym --no-inline > service.txt
    bench/perf-layers.py service.txt <CPU us per webhook>

docs/performance.md ("Every microsecond against the skeleton") has the commands in full.
"""

import collections
import sys

# (a function name's part, layer): the first found anywhere in a sample's chain wins, so the
# more specific come first.
LAYERS = [
    ("sqlite3_wal_checkpoint", "database: checkpoints"),
    ("WalCheckpointer", "database: checkpoints"),
    ("CallReader::menuChoice", "writer: the leg webhooks' questions"),
    ("CallReader::hasAcceptedLeg", "writer: the leg webhooks' questions"),
    ("CallBatch::rows", "writer: the batch's rows"),
    ("CallBatch::newEventRows", "writer: the batch's rows"),
    ("CallRows::fromQuery", "writer: reading the batch's calls"),
    ("CallBatch::readCalls", "writer: reading the batch's calls"),
    ("CallBatch::fold", "writer: folding the webhooks into their calls"),
    ("sqlite3PagerCommitPhaseOne", "database: commit (WAL writes, fdatasync)"),
    ("sqlite3BtreeCommitPhase", "database: commit (WAL writes, fdatasync)"),
    ("SqliteCallWriter::commit", "database: commit (WAL writes, fdatasync)"),
    ("sqlite3RunParser", "database: preparing statements"),
    ("SqliteCallWriter::writeCalls", "database: the write statements"),
    ("sqlite3_step", "database: the write statements"),
    ("sqlite3", "database: other"),
    ("RecordingFetcher", "voicemail downloads"),
    ("RequestSignature", "handler: the signature (HMAC-SHA1)"),
    ("CallWriter::event", "handler: the timeline row's digest and parameters"),
    ("FormData", "handler: decoding the form"),
    ("Twiml", "handler: the TwiML"),
    ("CallFlow", "handler: the call flow"),
    ("checkWebhook", "handler: the parameters' checks"),
    ("WebhookValidation", "handler: the parameters' checks"),
    ("Metrics", "handler: metrics"),
    ("ConnectionGuard", "connection guard"),
    ("AnswerQueue", "answer queue"),
    ("WebhookServer", "handler: other"),
    ("CallLogThread", "writer: queueing, posting the answers back"),
    ("DurableRecorder", "writer: queueing, posting the answers back"),
    ("commitPending", "writer: queueing, posting the answers back"),
    ("handle(", "handler: other"),
    ("tcp_", "HTTP: the kernel's TCP"),
    ("sock_", "HTTP: the kernel's TCP"),
    ("QHttpServer", "HTTP: QHttpServer (parsing, routing, writing)"),
    ("QHttpHeaderParser", "HTTP: QHttpServer (parsing, routing, writing)"),
    ("QIODevice", "HTTP: QHttpServer (parsing, routing, writing)"),
    ("QRingBuffer", "HTTP: QHttpServer (parsing, routing, writing)"),
    ("QUrl", "HTTP: QHttpServer (parsing, routing, writing)"),
    ("QAbstractSocket", "HTTP: QHttpServer (parsing, routing, writing)"),
    ("__schedule", "event loops, sleeping and waking"),
    ("poll", "event loops, sleeping and waking"),
    ("g_main", "event loops, sleeping and waking"),
    ("QEventDispatcher", "event loops, sleeping and waking"),
]


def samples(lines):
    """Each sample's call chain, leaf first, from `perf script -F comm,tid,ip,sym`."""
    chain = None
    for line in lines:
        if not line.strip():
            if chain is not None:
                yield chain
            chain = None
        elif not line[0].isspace():
            chain = []
        elif chain is not None:
            parts = line.split(None, 1)
            chain.append(parts[1].strip() if len(parts) > 1 else "")
    if chain is not None:
        yield chain


def layer(chain):
    for part, name in LAYERS:
        if any(part in function for function in chain):
            return name
    return "other"


def main():
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} <perf script output> <CPU us per webhook>")
    us_per_webhook = float(sys.argv[2])
    with open(sys.argv[1], encoding="utf-8", errors="replace") as script:
        layers = collections.Counter(layer(chain) for chain in samples(script))
    total = sum(layers.values())
    if total == 0:
        sys.exit("no samples")
    print(f"{total} samples, {us_per_webhook:g} us of CPU per webhook")
    print(f"{'share':>6} {'us/webhook':>10}  layer")
    for name, count in layers.most_common():
        print(f"{100 * count / total:5.1f}% {us_per_webhook * count / total:10.1f}  {name}")


if __name__ == "__main__":
    main()
