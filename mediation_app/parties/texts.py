"""Text messages to parties, written in Chinese (the party reads them on a phone), queued
in the outbox in the caller's transaction: nothing is sent unless the change commits."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ..outbox.services import queue_message
from .otp import normalise_phone


def send_text(session: Session, *, phone: str, body: str, key: str, kind: str, now: datetime,
              case_id: int | None = None, institution_id: int | None = None):
    """The queued message, or None when that key was queued before."""
    return queue_message(session, channel="sms", recipient=normalise_phone(phone), body=body, key=key,
                  kind=kind, now=now, case_id=case_id, institution_id=institution_id)


def code_text(code: str, minutes: int) -> str:
    return f"【矛盾纠纷调解】验证码 {code}，{minutes} 分钟内有效。请勿告诉他人，工作人员不会向您索要。"


def received_text(number: str, institution: str) -> str:
    return (f"【矛盾纠纷调解】您的调解申请已提交，申请编号 {number}，由{institution}审查。"
            "受理结果将以短信告知。")


def accepted_text(number: str, case_no: str, institution: str, follow_url: str) -> str:
    return (f"【矛盾纠纷调解】您的调解申请 {number} 已由{institution}受理，案号 {case_no}。"
            f"凭案号和本手机号可查询进度：{follow_url}")


def declined_text(number: str, institution: str, reason: str) -> str:
    return f"【矛盾纠纷调解】您的调解申请 {number} 未被{institution}受理。理由：{reason}"


def signing_text(case_no: str, url: str, days: int) -> str:
    return (f"【矛盾纠纷调解】案件 {case_no} 的调解协议已拟好，请在 {days} 日内打开链接，"
            f"核对身份后在手机上阅读并签名：{url}（仅限本人使用）")


def appointment_text(case_no: str, starts_at: datetime, place: str, video_url: str | None) -> str:
    where = f"视频调解，链接：{video_url}" if video_url else f"地点：{place}"
    return f"【矛盾纠纷调解】案件 {case_no} 定于 {_when(starts_at)} 进行调解，{where}。"


def reminder_text(case_no: str, starts_at: datetime, place: str, video_url: str | None) -> str:
    where = f"视频调解，链接：{video_url}" if video_url else f"地点：{place}"
    return f"【矛盾纠纷调解】提醒：案件 {case_no} 的调解定于明天 {_when(starts_at)}，{where}。"


def cancellation_text(case_no: str, starts_at: datetime, reason: str) -> str:
    return (f"【矛盾纠纷调解】案件 {case_no} 原定于 {_when(starts_at)} 的调解已取消，"
            f"原因：{reason}。新的时间另行通知。")


def delivery_text(case_no: str, title: str, url: str) -> str:
    return f"【矛盾纠纷调解】案件 {case_no} 的《{title}》已向您送达，请凭案号和手机号查看下载：{url}"


def recusal_decision_text(case_no: str, mediator: str, replacement: str | None,
                          note: str) -> str:
    if replacement:
        return (f"【矛盾纠纷调解】您在案件 {case_no} 中要求调解员{mediator}回避的申请已获准许，"
                f"改由调解员{replacement}主持调解。")
    return (f"【矛盾纠纷调解】您在案件 {case_no} 中要求调解员{mediator}回避的申请未获准许，"
            f"理由：{note}。调解员{mediator}继续主持调解。")


CHINA = ZoneInfo("Asia/Shanghai")


def to_china_time(moment: datetime) -> datetime:
    """Stored naive UTC to Beijing time."""
    return moment.replace(tzinfo=UTC).astimezone(CHINA)


def _when(moment: datetime) -> str:
    local = to_china_time(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
