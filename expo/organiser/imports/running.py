"""Running an import: a dry run for the preview, then the real import, in chunks with progress.

Both passes run in Celery (tasks.py calls check and do_import here); the admin page follows
ImportJob's counters. Rows are numbered as in the file (the header is row 1, the first data
row is row 2)."""

from django.utils import timezone
from tablib import Dataset

from .models import ImportJob
from .resources import RESOURCES

CHUNK_ROWS = 200
MAX_ROWS = 200_000
XLSX_MAGIC = b"PK\x03\x04"


class ImportFileError(ValueError):
    pass


def read_dataset(job) -> Dataset:
    """The file as a tablib Dataset, recognised by its content (zip = Excel, else UTF-8 CSV)."""
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        if data.startswith(XLSX_MAGIC):
            dataset = Dataset().load(data, format="xlsx")
        else:
            dataset = Dataset().load(data.decode("utf-8-sig"), format="csv")
    except UnicodeDecodeError as error:
        raise ImportFileError("The file is neither an Excel file nor UTF-8 CSV.") from error
    except Exception as error:  # noqa: BLE001 - tablib raises many kinds for a broken file
        raise ImportFileError(f"The file could not be read: {error}") from error
    if not dataset.headers:
        raise ImportFileError("The file has no header row.")
    if dataset.height > MAX_ROWS:
        raise ImportFileError(f"The file has {dataset.height} rows; the limit is {MAX_ROWS}.")
    return dataset


def _chunks(dataset):
    for start in range(0, dataset.height, CHUNK_ROWS):
        chunk = Dataset(headers=dataset.headers)
        for row in dataset[start : start + CHUNK_ROWS]:
            chunk.append(row)
        yield start, chunk


def _errors_of(result, offset):
    errors = []
    for invalid in result.invalid_rows:
        messages = [f"{field}: {'; '.join(msgs)}" for field, msgs in invalid.error_dict.items()]
        errors.append({"row": offset + invalid.number + 1, "errors": messages})
    for number, row_errors in result.row_errors():
        errors.append({"row": offset + number + 1, "errors": [str(e.error) for e in row_errors]})
    return errors


def _run(job, dry_run):
    dataset = read_dataset(job)
    resource = RESOURCES[job.kind]()
    ImportJob.objects.filter(pk=job.pk).update(total_rows=dataset.height, processed_rows=0)
    errors, valid, imported = [], 0, 0
    for offset, chunk in _chunks(dataset):
        result = resource.import_data(
            chunk, dry_run=dry_run, raise_errors=False, use_transactions=True
        )
        chunk_errors = _errors_of(result, offset)
        errors.extend(chunk_errors)
        valid += chunk.height - len({e["row"] for e in chunk_errors})
        if not dry_run and not result.has_errors():
            imported += result.totals["new"] + result.totals["update"]
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=offset + chunk.height)
    return errors, valid, imported


def check(job_id) -> None:
    """The preview: validate every row without saving anything."""
    job = ImportJob.objects.get(pk=job_id)
    try:
        errors, valid, _ = _run(job, dry_run=True)
    except ImportFileError as error:
        _finish(job, ImportJob.Status.FAILED, message=str(error))
        return
    _finish(job, ImportJob.Status.CHECKED, row_errors=errors, valid_rows=valid, finished=False)


def do_import(job_id) -> None:
    job = ImportJob.objects.get(pk=job_id)
    try:
        errors, valid, imported = _run(job, dry_run=False)
    except ImportFileError as error:
        _finish(job, ImportJob.Status.FAILED, message=str(error))
        return
    _finish(job, ImportJob.Status.DONE, row_errors=errors, valid_rows=valid, imported_rows=imported)


def _finish(job, status, finished=True, **fields):
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, finished_at=timezone.now() if finished else None, **fields
    )
