"""graphql-core's own refusals (parse and validation errors, values of the built-in scalars and
enums) in Chinese, so a Chinese reply carries no English sentence. Names (fields, types,
arguments, variables, values) stay as written: they are code.

`in_chinese(message)` matches the messages a client meets in practice; anything else of a
parse or validation error gets a general Chinese sentence (`general`), and the English
original goes to `extensions.detail` for the developer.
"""

from __future__ import annotations

import re

SUGGESTION = re.compile(r"\s*Did you mean (?P<names>[^?]*)\?")
NAME = r"'?(?P<{}>[^']+?)'?"

MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh)
    for pattern, zh in (
        (r"^Cannot query field '(?P<field>[^']+)' on type '(?P<type>[^']+)'\.",
         "类型 {type} 上没有字段 {field}。"),
        (r"^Syntax Error: Expected (?P<expected>.+?), found (?P<found>.+?)\.$",
         "语法错误：此处应为 {expected}，实际为 {found}。"),
        (r"^Syntax Error: Unexpected (?P<found>.+?)\.$", "语法错误：意外的 {found}。"),
        (r"^Syntax Error: Unterminated string\.$", "语法错误：字符串没有结束。"),
        (r"^Syntax Error: (?P<rest>.+)$", "语法错误：{rest}"),
        (r"^Variable '(?P<variable>\$\w+)' of required type '(?P<type>[^']+)' was not "
         r"provided\.$", "缺少必填变量 {variable}（类型 {type}）。"),
        (r"^Variable '(?P<variable>\$\w+)' of non-null type '(?P<type>[^']+)' must not be "
         r"null\.$", "变量 {variable}（类型 {type}）不能为 null。"),
        (r"^Field '(?P<field>[^']+)' argument '(?P<argument>[^']+)' of type '(?P<type>[^']+)' "
         r"is required, but it was not provided\.$",
         "字段 {field} 缺少必填参数 {argument}（类型 {type}）。"),
        (r"^Argument '(?P<argument>[^']+)' of type '(?P<type>[^']+)' is required, but it was "
         r"not provided\.$", "缺少必填参数 {argument}（类型 {type}）。"),
        (r"^Unknown argument '(?P<argument>[^']+)' on field '(?P<field>[^']+)'\.",
         "字段 {field} 没有参数 {argument}。"),
        (r"^Field '(?P<field>[^']+)' of type '(?P<type>[^']+)' must have a selection of "
         r"subfields\.", "字段 {field}（类型 {type}）须选择子字段，如 {field} {{ … }}。"),
        (r"^Field '(?P<field>[^']+)' must not have a selection since type '(?P<type>[^']+)' "
         r"has no subfields\.$", "字段 {field} 的类型 {type} 没有子字段，不能再选择。"),
        (r"^Field '(?P<field>[^']+)' is not defined by type '(?P<type>[^']+)'\.",
         "输入类型 {type} 没有字段 {field}。"),
        (r"^Field '(?P<field>[^']+)' of required type '(?P<type>[^']+)' was not provided\.$",
         "缺少必填字段 {field}（类型 {type}）。"),
        (r"^Unknown type '(?P<type>[^']+)'\.", "未知类型 {type}。"),
        (r"^Variable '(?P<variable>\$\w+)' is not defined(?: by operation '(?P<op>[^']+)')?\.$",
         "变量 {variable} 未在操作中声明。"),
        (r"^Variable '(?P<variable>\$\w+)' is never used(?: in operation '(?P<op>[^']+)')?\.$",
         "变量 {variable} 已声明但未使用。"),
        (r"^Variable '(?P<variable>\$\w+)' got invalid value (?P<value>.*?); (?P<why>.+)$",
         "变量 {variable} 的值 {value} 无效：{why}"),
        (r"^Variable '(?P<variable>\$\w+)' has invalid value(?: at (?P<at>\S+))?: (?P<why>.+)$",
         "变量 {variable} 的值无效：{why}"),
        (r"^Expected value of type '(?P<type>[^']+)' not to include unknown field "
         r"'(?P<field>[^']+)'\.", "输入类型 {type} 没有字段 {field}。"),
        (r"^Expected value of type '(?P<type>[^']+)' to include required field "
         r"'(?P<field>[^']+)'", "输入类型 {type} 缺少必填字段 {field}。"),
        (r"^Expected value of type '(?P<type>[^']+)', found (?P<value>.+?)(?:; (?P<why>.+))?\.?$",
         "参数值 {value} 不是 {type} 类型。"),
        (r"^(?P<type>Int|Float|String|Boolean|ID) cannot represent (?:a )?non[- ]"
         r"(?P<kind>[\w ]+?) value: (?P<value>.+)$", "{type} 类型不能表示该值：{value}"),
        (r"^Int cannot represent non 32-bit signed integer value: (?P<value>.+)$",
         "Int 类型只能表示 32 位有符号整数，收到 {value}"),
        (r"^Value '(?P<value>[^']+)' does not exist in '(?P<type>[^']+)' enum\.",
         "枚举 {type} 中没有取值 {value}。"),
        (r"^Enum '(?P<type>[^']+)' cannot represent non-enum value: (?P<value>.+?)\.",
         "枚举 {type} 不能表示非枚举值 {value}。"),
        (r"^Unknown operation named '(?P<name>[^']+)'\.$", "没有名为 {name} 的操作。"),
        (r"^Must provide operation name if query contains multiple operations\.$",
         "文档包含多个操作时须提供 operationName。"),
        (r"^This anonymous operation must be the only defined operation\.$",
         "匿名操作只能是文档中唯一的操作。"),
        (r"^There can be only one operation named '(?P<name>[^']+)'\.$",
         "操作名 {name} 只能出现一次。"),
        (r"^Unknown fragment '(?P<name>[^']+)'\.$", "未知片段 {name}。"),
        (r"^Fragment '(?P<name>[^']+)' is never used\.$", "片段 {name} 已定义但未使用。"),
        (r"^The subscription field '(?P<field>[^']+)' is not defined\.$",
         "订阅字段 {field} 不存在。"),
    )
)  # fmt: skip
GENERAL = "GraphQL 文档无效（详情见 extensions.detail）。"


def in_chinese(message: str) -> str | None:
    """graphql-core's message in Chinese (with its "Did you mean" hint), or None when it is
    not one of the messages known here."""
    hint = SUGGESTION.search(message)
    core = (message[: hint.start()] + message[hint.end() :]) if hint else message
    for pattern, zh in MESSAGES:
        if found := pattern.match(core):
            words = {key: value or "" for key, value in found.groupdict().items()}
            if words.get("why"):  # graphql-core's reason, itself one of these messages
                words["why"] = in_chinese(words["why"]) or "类型不符。"
            text = zh.format(**words)
            if hint:
                text += f"你是不是想用 {names(hint.group('names'))}？"
            return text
    return None


def names(listed: str) -> str:
    """ "'a', 'b', or 'c'" → "'a'、'b' 或 'c'" (and "the enum value 'A'" → "'A'")."""
    listed = re.sub(r"^the enum values? ", "", listed)
    return re.sub(r",? or ", " 或 ", listed).replace(", ", "、")


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)
