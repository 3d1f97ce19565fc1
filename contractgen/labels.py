"""Fixed captions the house template prints, in both languages.

The assembler copies this dict into `Document.labels`; renderers print captions only from there.
Kept in this one place so they can move to gettext catalogs (translations/) without hunting.
"""
from __future__ import annotations

from .model import Text

LABELS: dict[str, Text] = {
    # heading lines and page header
    "contract_no": Text("Contract No.", "合同编号"),
    "date": Text("Date", "签订日期"),
    "place_of_signing": Text("Place of signing", "签订地点"),
    # party blocks: roles and the labels of the detail lines
    "party.buyer": Text("Buyer", "买方"),
    "party.seller": Text("Seller", "卖方"),
    "party.country": Text("Country", "国家"),
    "party.representative": Text("Representative", "代表人"),
    "party.email": Text("E-mail", "电子邮箱"),
    "party.uscc": Text("Unified Social Credit Code", "统一社会信用代码"),
    "party.legal_representative": Text("Legal representative", "法定代表人"),
    "party.contact": Text("Contact", "联系人"),
    # page footer: "Page 3 of 6" / "第 3 页，共 6 页"; the page numbers are fields between the parts
    "page.before": Text("Page", "第"),
    "page.of": Text("of", "页，共"),
    "page.after": Text("", "页"),
    # product table
    "table.no": Text("No.", "序号"),
    "table.sku": Text("SKU", "货号"),
    "table.description": Text("Description", "品名"),
    "table.specification": Text("Specification", "规格"),
    "table.quantity": Text("Quantity", "数量"),
    "table.unit": Text("Unit", "单位"),
    "table.unit_price": Text("Unit price", "单价"),
    "table.amount": Text("Amount", "金额"),
    "table.hs_code": Text("HS code", "海关编码"),
    "table.total": Text("Total", "合计"),
    "table.in_words": Text("In words", "大写"),
    # signature block; the renderer leaves room for the round company chop above the signatory line
    # equal to "signature.chop"
    "signature.signature": Text("Authorised signature", "授权代表签字"),
    "signature.name": Text("Name and title", "姓名及职务"),
    "signature.chop": Text("Company chop", "公司盖章"),
    "signature.date": Text("Date", "日期"),
}
