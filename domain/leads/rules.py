"""What marketing may post as a lead: the fixed fields, the free-form attributes checked
against the intake JSON Schema, and the fingerprint that makes intake idempotent."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from domain.errors import BrokenRules, DomainError, InvalidInput
from domain.kernel import schema_messages
from domain.kernel.errors import KernelError
from domain.leads.errors import LeadError

DEFAULT_INTAKE_SCHEMA = Path(__file__).with_name("intake.schema.json")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,119}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,24}$")
MAX_TAGS = 20


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    company: str | None = None


@dataclass(frozen=True)
class IntakeItem:
    """One lead as posted, before any check."""

    external_id: str | None
    source: str
    segment: str
    region: str
    product_interests: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    estimated_value: int = 0
    contact: Contact = field(default_factory=Contact)
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CleanLead:
    """A lead that passed every check, normalised, with its fingerprint."""

    external_id: str
    source: str
    segment: str
    region: str
    product_interests: tuple[str, ...]
    signals: tuple[str, ...]
    estimated_value: int
    contact: dict[str, str]
    attributes: dict[str, Any]

    @cached_property
    def content_hash(self) -> str:
        data = asdict(self)
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class IntakeSchemaError(ValueError):
    """The intake schema file is not a usable JSON Schema."""


@lru_cache(maxsize=8)
def intake_validator(path: Path = DEFAULT_INTAKE_SCHEMA) -> Draft202012Validator:
    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError) as error:
        raise IntakeSchemaError(f"{path}: {error}") from None
    except Exception as error:  # jsonschema's SchemaError
        raise IntakeSchemaError(f"{path}: not a JSON Schema: {error}") from None
    return Draft202012Validator(schema)


def clean_lead(item: IntakeItem, validator: Draft202012Validator, prefix: str = "") -> CleanLead:
    """The lead normalised, or BrokenRules with every problem, each naming its field
    (`prefix` + field, e.g. `leads.3.` in a batch)."""
    problems: list[DomainError] = []

    def refuse(code: StrEnum, zh: str, en: str, name: str) -> None:
        problems.append(InvalidInput(code, zh, en, prefix + name))

    external_id = (item.external_id or "").strip()
    if not external_id:
        refuse(
            KernelError.REQUIRED, "必须提供外部编号", "An external id is required", "external_id"
        )
    elif not EXTERNAL_ID.match(external_id):
        refuse(
            LeadError.INVALID_FORMAT,
            "外部编号最多 120 个字符：字母、数字和 . _ : / -",
            "An external id is up to 120 letters, digits and . _ : / -",
            "external_id",
        )
    slugs = {}
    for name in ("source", "segment", "region"):
        value = getattr(item, name).strip().lower()
        slugs[name] = value
        if not SLUG.match(value):
            refuse(
                LeadError.INVALID_FORMAT,
                "须为 1–40 个小写字母、数字或 _ . -",
                "Use 1–40 lower-case letters, digits, _ . or -",
                name,
            )
    tags = {}
    for name in ("product_interests", "signals"):
        values = tuple(dict.fromkeys(v.strip().lower() for v in getattr(item, name)))
        tags[name] = values
        if len(values) > MAX_TAGS or not all(SLUG.match(v) for v in values):
            refuse(
                LeadError.INVALID_FORMAT,
                f"最多 {MAX_TAGS} 项，每项为小写字母、数字或 _ . -",
                f"At most {MAX_TAGS} items, each lower-case letters, digits, _ . or -",
                name,
            )
    if item.estimated_value < 0:
        refuse(
            LeadError.NEGATIVE,
            "预估金额不能为负",
            "The estimated value cannot be negative",
            "estimated_value",
        )
    contact = _clean_contact(item.contact, refuse)
    for error in sorted(validator.iter_errors(item.attributes), key=lambda e: list(e.path)):
        zh, en, where = attribute_problem(error)
        refuse(LeadError.ATTRIBUTE_INVALID, zh, en, "attributes" + (f".{where}" if where else ""))
    if problems:
        raise BrokenRules(problems)
    return CleanLead(
        external_id=external_id,
        product_interests=tags["product_interests"],
        signals=tags["signals"],
        estimated_value=item.estimated_value,
        contact=contact,
        attributes=dict(item.attributes),
        **slugs,
    )


def attribute_problem(error: ValidationError) -> tuple[str, str, str]:
    """A violation of the intake schema in zh-CN and en, each naming the attribute, and its
    path in the attributes ("" for the attributes as a whole)."""
    broken = schema_messages.rule(error)
    where = broken.where()
    if where:
        return (
            f"属性 {where} 不符合线索表单定义：{broken.zh}",
            f"The attribute {where} does not fit the intake schema: it {broken.en}",
            where,
        )
    return (
        f"属性不符合线索表单定义：{broken.zh}",
        f"The attributes object does not fit the intake schema: it {broken.en}",
        where,
    )


def _clean_contact(contact: Contact, refuse) -> dict[str, str]:
    cleaned = {
        key: " ".join(value.split())
        for key, value in asdict(contact).items()
        if value is not None and value.strip()
    }
    if "phone" not in cleaned and "email" not in cleaned:
        refuse(
            LeadError.CONTACT_REQUIRED,
            "须提供电话或邮箱",
            "Give a phone number or an e-mail",
            "contact",
        )
    if "email" in cleaned and not EMAIL.match(cleaned["email"]):
        refuse(
            LeadError.INVALID_FORMAT,
            "邮箱格式不对",
            "This is not an e-mail address",
            "contact.email",
        )
    if "phone" in cleaned and not PHONE.match(cleaned["phone"]):
        refuse(
            LeadError.INVALID_FORMAT, "电话格式不对", "This is not a phone number", "contact.phone"
        )
    for key, value in cleaned.items():
        if len(value) > 120:
            refuse(
                KernelError.TOO_LONG,
                "不能超过 120 个字符",
                "At most 120 characters",
                f"contact.{key}",
            )
    return cleaned
