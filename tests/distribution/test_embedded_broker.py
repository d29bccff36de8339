"""The embedded broker when several processes open a fresh broker file at the same moment."""
import multiprocessing

from kombu import Connection

from studio import embedded_broker


def _declare_and_publish(url: str, queue: str, start, errors) -> None:
    embedded_broker.register()
    start.wait()
    try:
        with Connection(url) as connection:
            simple = connection.SimpleQueue(queue)
            simple.put({"from": multiprocessing.current_process().name})
            simple.close()
    except Exception as exc:  # reported to the test, which names it
        errors.put(f"{type(exc).__name__}: {exc}")


def test_processes_starting_together_share_one_set_of_tables_and_queues(tmp_path):
    url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    context = multiprocessing.get_context("spawn")
    start, errors = context.Event(), context.Queue()
    workers = [context.Process(target=_declare_and_publish, args=(url, "send", start, errors)) for _ in range(6)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(60)
    assert errors.empty(), errors.get()
    embedded_broker.register()
    with Connection(url) as connection:
        assert connection.transport.polling_interval == embedded_broker.POLLING_INTERVAL
        simple = connection.SimpleQueue("send")
        assert len([simple.get(timeout=5) for _ in range(6)]) == 6
        simple.close()
