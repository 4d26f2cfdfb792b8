"""Email a report's PDF to the region's committee readers (standard library SMTP).

Settings come from the app config, else the environment: MAIL_SERVER (no server: no
mail), MAIL_PORT (25), MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS (STARTTLS), MAIL_FROM."""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from .printing import month_zh, value_text


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    sender: str = "noreply@localhost"

    @classmethod
    def from_config(cls, config) -> MailSettings | None:
        def read(name: str, default=None):
            value = config.get(name)
            return value if value not in (None, "") else os.environ.get(name, default)

        server = read("MAIL_SERVER")
        if not server:
            return None
        use_tls = read("MAIL_USE_TLS", False)
        if isinstance(use_tls, str):
            use_tls = use_tls.strip().lower() in {"1", "true", "yes", "on"}
        username = read("MAIL_USERNAME")
        return cls(server=server, port=int(read("MAIL_PORT", 25)), username=username,
                   password=read("MAIL_PASSWORD"), use_tls=bool(use_tls),
                   sender=read("MAIL_FROM") or username or "noreply@localhost")


def report_message(report, pdf: bytes, recipients: list[str], sender: str) -> EmailMessage:
    figures = report.figures
    title = f"{figures['region']['name']}{month_zh(report.month)}矛盾纠纷多元化解工作月报"
    totals = figures["totals"]
    message = EmailMessage()
    message["Subject"] = title + (f"（第{report.version}版）" if report.version > 1 else "")
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content(
        f"{title}已生成，见附件。\n\n"
        f"受理纠纷 {totals['received']} 件，调解终结 {totals['concluded']} 件，"
        f"调解成功 {totals['success']} 件，调解成功率 "
        f"{value_text('success_rate', totals['success_rate'])}，"
        f"月末超期未结 {totals['overdue']} 件。\n")
    message.add_attachment(pdf, maintype="application", subtype="pdf",
                           filename=report.filename)
    return message


def send(settings: MailSettings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.server, settings.port, timeout=30) as smtp:
        if settings.use_tls:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)
