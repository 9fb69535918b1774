import csv
import io

from surveys import bulkwrite


def as_csv(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


ROWS = [(number, f'rad {number}; “citat”, "x"\n{number % 7}', None) for number in range(bulkwrite.COPY_CHUNK * 2 + 5)]


def test_a_csv_stream_gives_whole_rows_a_chunk_at_a_time_and_then_nothing():
    stream = bulkwrite.CsvStream(ROWS)

    chunks = []
    while chunk := stream.read(8192):
        chunks.append(chunk)

    rows_per_chunk = [len(list(csv.reader(io.StringIO(chunk, newline="")))) for chunk in chunks]
    assert rows_per_chunk == [bulkwrite.COPY_CHUNK, bulkwrite.COPY_CHUNK, 5]
    assert "".join(chunks) == as_csv(ROWS)
    assert stream.read(8192) == ""


def test_reading_a_csv_stream_without_a_size_gives_every_row_left():
    stream = bulkwrite.CsvStream(ROWS)
    first = stream.read(1)

    assert first + stream.read() == as_csv(ROWS)
