//! What each email and text says, in the recipient's language (Fluent, `notify-*`), from the
//! outbox payload alone. None carries a person's name or details: an email or a text is not a
//! safe place for them, so each says what happened and where to sign in to read it.

use linkwork_domain::notify::Purpose;
use linkwork_store::pathway::OutboxMessage;

use crate::i18n::Tr;

pub struct Rendered {
    pub subject: String,
    pub text: String,
}

fn field<'a>(m: &'a OutboxMessage, key: &str) -> &'a str {
    m.payload[key].as_str().unwrap_or("")
}

/// The message's subject and text; Err for a payload it cannot be written from (a bug: it is
/// kept failed, for an administrator to see).
pub fn render(t: &Tr, m: &OutboxMessage, base: &str) -> Result<Rendered, String> {
    let signature = t.t1("notify-signature", "url", format!("{base}/login").as_str());
    let (subject, lines) = match m.purpose {
        Purpose::MessageBack => {
            let kind = field(m, "kind");
            let what = match kind {
                "accepted" | "declined" | "plan_agreed" | "closed" => t.t(&format!("notify-back-{}", kind.replace('_', "-"))),
                other => return Err(format!("a message back of kind '{other}'")),
            };
            let date = t.date(field(m, "referred_on"));
            let mut lines = vec![t.t1("notify-back-intro", "date", date.as_str()), what];
            if let (Some(code), Some(display)) = (m.payload["code"].as_str(), m.payload["code_display"].as_str()) {
                lines.push(t.t2("notify-back-code", "code", code, "display", display));
            }
            lines.push(t.t1("notify-back-read", "url", format!("{base}/referrals").as_str()));
            (t.t1("notify-back-subject", "date", date.as_str()), lines)
        }
        Purpose::NewReferral => {
            let service = field(m, "service_name");
            (t.t1("notify-new-referral-subject", "service", service), vec![t.t1("notify-new-referral-body", "service", service), t.t1("notify-new-referral-read", "url", format!("{base}/inbox").as_str())])
        }
        Purpose::Digest => {
            let due = m.payload["due"].as_i64().unwrap_or(0);
            let overdue = m.payload["overdue"].as_i64().unwrap_or(0);
            let day = t.date(field(m, "day"));
            (
                t.t1("notify-digest-subject", "date", day.as_str()),
                vec![t.t2("notify-digest-body", "due", due, "overdue", overdue), t.t1("notify-digest-read", "url", format!("{base}/caseload").as_str())],
            )
        }
        // A text is one short line; an email has a subject and the same line.
        Purpose::Reminder if field(m, "kind") == "first_session" => {
            let (day, service) = (t.date(field(m, "day")), field(m, "service_name"));
            let body = match m.payload["time"].as_str() {
                Some(time) => t.a("notify-first-session-body-at", &[("service", service.into()), ("date", day.as_str().into()), ("time", time.into())]),
                None => t.t2("notify-first-session-body", "service", service, "date", day.as_str()),
            };
            (t.t1("notify-first-session-subject", "service", service), vec![body])
        }
        Purpose::Reminder => {
            let day = t.date(field(m, "day"));
            (t.t("notify-reminder-subject"), vec![t.t1("notify-reminder-body", "date", day.as_str())])
        }
        Purpose::TaskNotification => return Err("a FHIR notification is not written as text".into()),
    };
    let text = if m.channel == linkwork_domain::notify::Channel::Text { lines.join(" ") } else { format!("{}\n\n{signature}\n", lines.join("\n\n")) };
    Ok(Rendered { subject, text })
}
