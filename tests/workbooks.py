"""Import workbooks as an officer fills them in: the template's headers, cells as typed (openpyxl)."""

import io

from openpyxl import Workbook

from households.imports.columns import SHEETS, Sheet

GOOD_FACTS = {
    "Nhà ở": "Nhà kiên cố",
    "Diện tích ở (m²)": 60,
    "Nguồn nước sinh hoạt": "Nước máy",
    "Nhà tiêu": "Nhà tiêu tự hoại",
    "Dịch vụ viễn thông": "Thuê bao điện thoại",
    "Phương tiện tiếp cận thông tin": "Ti vi",
}


def make_workbook(households=(), members=(), reviews=(), *, english_row=True) -> bytes:
    """A workbook as an officer fills it in: headers from the template, cells as typed."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in ((Sheet.HOUSEHOLDS, households), (Sheet.MEMBERS, members), (Sheet.REVIEWS, reviews)):
        title, _title_en, columns = SHEETS[sheet]
        ws = workbook.create_sheet(title)
        ws.append([c.header_vi for c in columns])
        if english_row:
            ws.append([c.header_en for c in columns])
        for row in rows:
            ws.append([row.get(c.header_vi) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def household(code, village="Thôn Nà Hin", **extra):
    return {"Mã hộ": code, "Thôn/bản": village, **extra}


def person(code, name, relation="Chủ hộ", **extra):
    return {
        "Mã hộ": code,
        "Họ và tên": name,
        "Giới tính": "Nam",
        "Ngày sinh": "02/03/1975",
        "Quan hệ với chủ hộ": relation,
        "Có BHYT": "Có",
        "Việc làm": "Tự làm, sản xuất nông nghiệp",
        "Trình độ học vấn": "Trung học cơ sở",
        **extra,
    }


def review(code, income, year=2024, **facts):
    return {"Mã hộ": code, "Năm rà soát": year, "Thu nhập bình quân (đồng/người/tháng)": income, **GOOD_FACTS, **facts}


def clean_file():
    return make_workbook(
        households=[household("BB-01", **{"Địa chỉ": "Nà Hin"}), household("BB-02", "nà hin")],
        members=[
            person("BB-01", "Hoàng Văn Páo", **{"Số CCCD": "006075001234"}),
            person("BB-01", "Hoàng Thị Mai", "Vợ/chồng", **{"Giới tính": "Nữ", "Ngày sinh": 28000}),
            person("BB-02", "Lý Thị Dung", **{"Giới tính": "Nữ"}),
        ],
        reviews=[
            review(
                "BB-01",
                "1.000.000",
                **{
                    "Nhà ở": "Nhà đơn sơ",
                    "Nguồn nước sinh hoạt": "Nước sông, suối, ao, hồ",
                    "Nhà tiêu": "khong co nha tieu",
                },
            ),
            review("BB-02", 2_000_000),
        ],
    )
