"""The GIL is released while amur aligns: other Python threads run meanwhile, and two
threads aligning at once take less time than one after the other."""

import os
import threading
import time

import pytest

import amur
from conftest import long_pair

ZH, EN = long_pair(1500)


@pytest.fixture(scope="module")
def aligner():
    aligner = amur.Aligner(presegmented=True)
    aligner.align(ZH, EN)  # warm up: dictionaries and allocator
    return aligner


def test_python_runs_while_amur_aligns(aligner):
    """The main thread keeps ticking while another thread aligns: with the GIL held for the
    whole alignment it would stop for all of it."""
    done = threading.Event()
    worker = threading.Thread(target=lambda: (aligner.align(ZH, EN), done.set()))
    ticks = []
    start = time.perf_counter()
    worker.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    took = time.perf_counter() - start
    gaps = [b - a for a, b in zip([start] + ticks, ticks)]
    assert took > 0.2, "the text is too short to tell"
    assert max(gaps) < took / 3, f"the main thread stood still {max(gaps):.2f} s of {took:.2f} s"
    assert len(ticks) > 20


def timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def wall_and_cpu(f):
    """Wall-clock and CPU seconds (this process, all threads) of a call."""
    wall, cpu = time.perf_counter(), time.process_time()
    f()
    return time.perf_counter() - wall, time.process_time() - cpu


# amur spreads one alignment over its pool's threads (one a core), and two alignments at once
# share them, so with the default pool two at once can only gain the time one alignment leaves
# a core idle. To see whether the GIL lets two Python threads align in parallel, each thread
# has an aligner with a pool of one thread of its own (threads=1): each alignment then keeps
# one core busy, and two at once fill two cores only if neither holds the GIL.
def test_two_threads_align_faster_than_one_after_the_other():
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: two threads cannot run at once")
    aligners = [amur.Aligner(presegmented=True, threads=1) for _ in range(2)]
    for a in aligners:
        a.align(ZH, EN)  # warm up

    def sequential():
        for a in aligners:
            a.align(ZH, EN)

    def concurrent():
        threads = [threading.Thread(target=a.align, args=(ZH, EN)) for a in aligners]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    seqs, pars = [], []
    for _ in range(3):  # in turns, so that a slow spell of the machine hits both
        seqs.append(wall_and_cpu(sequential))
        pars.append(timed(concurrent))
    (seq, seq_cpu), par = min(seqs), min(pars)
    if seq_cpu < 0.7 * seq:
        # One after the other should keep a core busy all the time; if it got much less, other
        # work holds the cores and no timing here can show parallelism.
        pytest.skip(f"the machine is saturated: one thread got {seq_cpu / seq:.0%} of a core")
    # One after the other is two alignments' time; at once, on two cores, about one's.
    assert par < 0.9 * seq, f"two threads at once {par:.2f} s, one after the other {seq:.2f} s"


def test_threads_must_be_a_positive_number():
    with pytest.raises(amur.AmurError, match="threads="):
        amur.Aligner(threads=0)
