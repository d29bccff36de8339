"""A CSV file uploaded through a form: its text, or a message naming what is wrong with it."""
from flask import request

from studio.errors import InvalidInput


def uploaded_csv(field: str = "file", max_bytes: int = 2 * 1024 * 1024) -> str:
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        raise InvalidInput("请选择 CSV 文件 / choose a CSV file")
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        megabytes = max_bytes // (1024 * 1024)
        raise InvalidInput(f"CSV 文件超过 {megabytes} MB / the CSV file is over {megabytes} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("CSV 文件不是 UTF-8 编码 / the CSV file is not UTF-8") from None
