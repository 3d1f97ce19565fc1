"""Work is spread evenly over the workers: no worker is left with the last big chunk while another idles
(issue 18: 30 orders in chunks of 10 over 2 workers left one idle for a minute)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contractgen.batch.run import PDF_CHUNK, chunk_sizes


def test_thirty_pdf_orders_over_two_workers_are_four_even_chunks():
    assert chunk_sizes(30, 2, PDF_CHUNK) == [8, 8, 7, 7]


def test_docx_orders_are_handed_out_one_at_a_time():
    assert chunk_sizes(7, 2, 1) == [1] * 7


@given(orders=st.integers(1, 5000), jobs=st.integers(1, 16), most=st.integers(1, 20))
def test_every_order_once_in_even_chunks_a_multiple_of_the_workers(orders, jobs, most):
    sizes = chunk_sizes(orders, jobs, most)
    assert sum(sizes) == orders
    assert max(sizes) <= most and max(sizes) - min(sizes) <= 1
    assert len(sizes) % jobs == 0 or len(sizes) == orders  # each worker gets as many pieces
