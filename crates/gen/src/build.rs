//! Turns organisation and service kinds into HSDS records: the part the demo and the synthetic
//! directories share. Values are written already normalised (lower-case hyphenated UUIDs,
//! `HH:MM:SS`, `YYYY-MM-DD`, RFC 3339 with milliseconds) so that no parsing is needed on the hot
//! path; the tests re-parse every value to prove it.

use chrono::{Datelike, Duration, NaiveDate};
use linkwork_domain::hsds::registry as reg;
use linkwork_domain::hsds::{Record, TableDef, Value};
use linkwork_domain::Id;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::kinds::{access_text, Cost, Kind, Unit, When};
use crate::orgs::{Legal, OrgType};
use crate::out::Out;
use crate::taxonomy::{self, term_id};
use crate::words::*;

/// A town, neighbourhood or village where organisations are.
#[derive(Clone, Debug)]
pub(crate) struct Place {
    /// The name used in organisation and service names ("Northfield", "Kingsmere").
    pub name: String,
    /// The address's town ("Millbrook" for its neighbourhoods).
    pub post_town: String,
    /// The main town nearby, for `{town}`.
    pub town: String,
    pub county: String,
    pub lat: f64,
    pub lon: f64,
    /// Sites are spread within about this distance of the centre.
    pub spread_km: f64,
    /// Postcode district, e.g. `MB2`.
    pub outcode: String,
}

/// One site: a location with its address, as services refer to it.
#[derive(Clone, Debug)]
pub(crate) struct Site {
    pub id: String,
    pub name: String,
}

/// What later steps need to know about an organisation.
#[derive(Clone, Debug)]
pub(crate) struct Org {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub sites: Vec<Site>,
    pub program_id: Option<String>,
    pub place: usize,
}

/// Tunes how much of the optional detail is written (the demo writes more than a benchmark).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Detail {
    pub metadata: bool,
}

pub(crate) struct Gen {
    pub rng: ChaCha8Rng,
    pub today: NaiveDate,
    pub out: Out,
    pub detail: Detail,
}

pub(crate) fn unit_id(u: Unit) -> String {
    Id::derived("unit", u.identifier()).to_string()
}

/// Writes the capacity units (shared rows, like the taxonomy).
pub(crate) fn write_units(out: &mut Out) {
    for u in Unit::ALL {
        let mut r = Record::new(&reg::UNIT);
        r.set_text("id", unit_id(u));
        r.set_text("name", u.name());
        r.set_text("scheme", "Linkwork");
        r.set_text("identifier", u.identifier());
        out.push(r);
    }
}

/// Fills `{place}`, `{town}`, `{county}`, `{venue}`, `{days}` and `{name}` in a template.
pub(crate) struct Fill<'a> {
    pub place: &'a str,
    pub town: &'a str,
    pub county: &'a str,
    pub venue: &'a str,
    pub days: &'a str,
    pub name: &'a str,
}

impl Fill<'_> {
    pub fn apply(&self, template: &str) -> String {
        let mut s = String::with_capacity(template.len() + 24);
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            s.push_str(&rest[..i]);
            let Some(j) = rest[i..].find('}') else {
                break;
            };
            let key = &rest[i + 1..i + j];
            s.push_str(match key {
                "place" => self.place,
                "town" => self.town,
                "county" => self.county,
                "venue" => self.venue,
                "days" => self.days,
                "name" => self.name,
                other => other,
            });
            rest = &rest[i + j + 1..];
        }
        s.push_str(rest);
        s
    }
}

fn num(r: &mut Record, field: &str, n: f64) {
    r.set(field, Some(Value::Number(n)));
}

pub(crate) fn date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// A lower-case domain label from a name ("St Mary's Church, Kingsmere" → "stmaryschurchkingsmere").
pub(crate) fn slug(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).take(48).collect::<String>().to_ascii_lowercase()
}

const POSTCODE_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
const DAY_CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const DAY_PLURALS: [&str; 7] = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"];
const DAY_NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// "10am", "12 noon", "1.30pm".
fn clock(minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    if h == 12 && m == 0 {
        return "12 noon".into();
    }
    let (h12, suffix) = match h {
        0 => (12, "am"),
        1..=11 => (h, "am"),
        12 => (12, "pm"),
        _ => (h - 12, "pm"),
    };
    if m == 0 {
        format!("{h12}{suffix}")
    } else {
        format!("{h12}.{m:02}{suffix}")
    }
}

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl Gen {
    pub fn new(rng: ChaCha8Rng, today: NaiveDate, detail: Detail, out: Out) -> Self {
        Gen { rng, today, out, detail }
    }

    pub fn id(&mut self) -> String {
        let u = uuid::Builder::from_random_bytes(self.rng.gen()).into_uuid();
        u.hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()).to_string()
    }

    fn rec(&mut self, table: &'static TableDef) -> Record {
        let mut r = Record::new(table);
        let id = self.id();
        r.set_text("id", id);
        r
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.gen_range(0..items.len())]
    }

    fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.rng.gen_range(0..items.len())]
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.gen_range(0..100) < percent
    }

    fn postcode(&mut self, outcode: &str) -> String {
        let d = self.rng.gen_range(1..10);
        let a = POSTCODE_LETTERS[self.rng.gen_range(0..POSTCODE_LETTERS.len())] as char;
        let b = POSTCODE_LETTERS[self.rng.gen_range(0..POSTCODE_LETTERS.len())] as char;
        format!("{outcode} {d}{a}{b}")
    }

    /// A phone number from Ofcom's ranges reserved for drama, so that none rings anyone.
    fn phone_number(&mut self) -> String {
        match self.rng.gen_range(0..10) {
            0 => format!("0808 157 0{:03}", self.rng.gen_range(0..1000)),
            1 => format!("07700 900{:03}", self.rng.gen_range(0..1000)),
            _ => format!("01632 960{:03}", self.rng.gen_range(0..1000)),
        }
    }

    fn point_near(&mut self, p: &Place, spread_km: f64) -> (f64, f64) {
        // Two uniforms summed: denser near the centre, as towns are.
        let r = spread_km * (self.rng.gen::<f64>() + self.rng.gen::<f64>()) / 2.0;
        let angle = self.rng.gen::<f64>() * std::f64::consts::TAU;
        let dlat = r * angle.sin() / 111.32;
        let dlon = r * angle.cos() / (111.32 * p.lat.to_radians().cos());
        let round = |x: f64| (x * 1e6).round() / 1e6;
        (round(p.lat + dlat), round(p.lon + dlon))
    }

    fn person(&mut self) -> (String, String) {
        let first = *self.pick(FIRST_NAMES);
        let last = *self.pick(SURNAMES);
        (format!("{first} {last}"), format!("{}.{}", first.to_ascii_lowercase(), last.to_ascii_lowercase()))
    }

    /// A date `days` before today.
    fn days_ago(&self, days: i64) -> NaiveDate {
        self.today - Duration::days(days)
    }

    /// RFC 3339 with milliseconds in UTC, at a working-hours time on `d`.
    fn datetime_on(&mut self, d: NaiveDate) -> String {
        let h = self.rng.gen_range(8..18);
        let m = self.rng.gen_range(0..60);
        let s = self.rng.gen_range(0..60);
        let ms = self.rng.gen_range(0..1000);
        format!("{}T{h:02}:{m:02}:{s:02}.{ms:03}Z", date(d))
    }

    fn phone(&mut self, field: &str, owner: &str, description: Option<&str>) {
        let mut r = self.rec(&reg::PHONE);
        r.set_text(field, owner);
        let number = self.phone_number();
        let ty = if number.starts_with("077") { "cell" } else { "voice" };
        r.set_text("number", number);
        r.set_text("type", ty);
        if let Some(d) = description {
            r.set_text("description", d);
        }
        self.out.push(r);
    }

    /// A location with its address and accessibility; returns the site.
    pub fn site(&mut self, org_id: &str, name: String, place: &Place, opening_hours: bool) -> Site {
        let mut loc = self.rec(&reg::LOCATION);
        let id = loc.id().unwrap_or_default().to_string();
        loc.set_text("location_type", "physical");
        loc.set_text("organization_id", org_id);
        loc.set_text("name", name.clone());
        let (lat, lon) = self.point_near(place, place.spread_km);
        num(&mut loc, "latitude", lat);
        num(&mut loc, "longitude", lon);
        if self.chance(30) {
            let t = *self.pick(&[
                "Bus stop outside; about ten minutes' walk from the market place.",
                "Free parking on site. Buses stop on the main road, two minutes away.",
                "On the village bus route; ask the driver for the hall.",
                "Short walk from the railway station; cycle racks at the front.",
            ]);
            loc.set_text("transportation", t);
        }
        self.out.push(loc);

        let mut a = self.rec(&reg::ADDRESS);
        a.set_text("location_id", id.clone());
        let n = self.rng.gen_range(1..140);
        let street = *self.pick(STREETS);
        a.set_text("address_1", format!("{n} {street}"));
        if place.name != place.post_town {
            a.set_text("address_2", place.name.clone());
        }
        a.set_text("city", place.post_town.clone());
        a.set_text("state_province", place.county.clone());
        let pc = self.postcode(&place.outcode);
        a.set_text("postal_code", pc);
        a.set_text("country", "GB");
        a.set_text("address_type", "physical");
        self.out.push(a);

        let (description, details) = if self.chance(85) { *self.pick(ACCESS_GOOD) } else { *self.pick(ACCESS_POOR) };
        let mut acc = self.rec(&reg::ACCESSIBILITY);
        acc.set_text("location_id", id.clone());
        acc.set_text("description", description);
        acc.set_text("details", details);
        self.out.push(acc);

        if opening_hours {
            let mut s = self.rec(&reg::SCHEDULE);
            s.set_text("location_id", id.clone());
            s.set_text("freq", "WEEKLY");
            s.set_text("wkst", "MO");
            s.set_text("byday", "MO,TU,WE,TH,FR,SA");
            s.set_text("opens_at", "09:00:00");
            s.set_text("closes_at", if self.chance(50) { "17:00:00" } else { "19:00:00" });
            s.set_text("description", "Building open Monday to Saturday; see each activity for its times.");
            self.out.push(s);
        }
        if self.chance(25) {
            self.phone("location_id", &id, Some("Reception"));
        }
        Site { id, name }
    }

    /// An organisation with its identifiers, phone, website and funding, and its own sites.
    pub fn org(&mut self, ty: &OrgType, name: String, place: &Place, place_index: usize, kinds: &[&'static Kind], hired_venue: Option<String>) -> Org {
        let mut r = self.rec(&reg::ORGANIZATION);
        let id = r.id().unwrap_or_default().to_string();
        r.set_text("name", name.clone());
        let fill = Fill { place: &place.name, town: &place.town, county: &place.county, venue: "", days: "", name: &name };
        let about = fill.apply(self.word(ty.about));
        let list: Vec<&str> = kinds.iter().map(|k| k.what).collect();
        // A one-activity group's "about" already says what it does.
        r.set_text("description", if ty.kinds.len() < 2 { about } else { format!("{about} We run {}.", join_words(&list)) });
        let domain = format!("{}.example.org.uk", slug(&name));
        r.set_text("email", format!("hello@{domain}"));
        r.set_text("website", format!("https://{domain}"));
        if let Some(t) = ty.legal.tax_status() {
            r.set_text("tax_status", t);
        }
        r.set_text("legal_status", ty.legal.legal_status());
        let year = match ty.key {
            "church" => self.rng.gen_range(1840..1990),
            "faith_centre" => self.rng.gen_range(1965..2018),
            _ => self.rng.gen_range(1975..2024),
        };
        num(&mut r, "year_incorporated", year as f64);
        self.out.push(r);

        match ty.legal {
            Legal::Cio | Legal::CharitableCompany => {
                let n = self.rng.gen_range(1_000_000..1_210_000);
                self.identifier(&id, "GB-CHC", "Charity number", n.to_string());
                if ty.legal == Legal::CharitableCompany {
                    let c = self.rng.gen_range(1_000_000..14_000_000);
                    self.identifier(&id, "GB-COH", "Company number", format!("{c:08}"));
                }
            }
            Legal::Cic => {
                let c = self.rng.gen_range(9_000_000..15_000_000);
                self.identifier(&id, "GB-COH", "Company number", format!("{c:08}"));
            }
            Legal::Nhs => {
                let letter = POSTCODE_LETTERS[self.rng.gen_range(0..POSTCODE_LETTERS.len())] as char;
                let n = self.rng.gen_range(10_000..99_999);
                self.identifier(&id, "GB-NHS", "ODS code", format!("{letter}{n}"));
            }
            Legal::Council | Legal::Faith | Legal::Group => {}
        }
        self.phone("organization_id", &id, Some("Main office"));
        if self.chance(20) {
            let (label, base) = *self.pick(URL_LABELS);
            let mut u = self.rec(&reg::URL);
            u.set_text("label", label);
            u.set_text("url", format!("{base}{}", slug(&name)));
            u.set_text("organization_id", id.clone());
            self.out.push(u);
        }
        if ty.legal != Legal::Group && self.chance(40) {
            let source = fill.apply(self.word(FUNDERS));
            let mut f = self.rec(&reg::FUNDING);
            f.set_text("organization_id", id.clone());
            f.set_text("source", source);
            self.out.push(f);
        }
        let program_id = if matches!(ty.key, "council" | "nhs_service" | "age_charity" | "volunteer_centre" | "food_bank" | "advice_centre" | "wildlife")
            && self.chance(50)
        {
            let (pname, pdesc) = *self.pick(PROGRAMS);
            let mut p = self.rec(&reg::PROGRAM);
            let pid = p.id().unwrap_or_default().to_string();
            p.set_text("organization_id", id.clone());
            p.set_text("name", fill.apply(pname));
            p.set_text("description", pdesc);
            self.out.push(p);
            Some(pid)
        } else {
            None
        };

        let mut sites = Vec::new();
        if !ty.venues.is_empty() {
            let venue = fill.apply(self.word(ty.venues));
            let hours = matches!(ty.key, "library" | "leisure_centre" | "community_centre" | "advice_centre");
            sites.push(self.site(&id, venue, place, hours));
        } else if let Some(v) = hired_venue {
            sites.push(self.site(&id, v, place, false));
        }
        Org { id, name, domain, sites, program_id, place: place_index }
    }

    fn identifier(&mut self, org_id: &str, scheme: &str, ty: &str, value: String) {
        let mut r = self.rec(&reg::ORGANIZATION_IDENTIFIER);
        r.set_text("organization_id", org_id);
        r.set_text("identifier_scheme", scheme);
        r.set_text("identifier_type", ty);
        r.set_text("identifier", value);
        self.out.push(r);
    }

    /// A venue a group hires, in `place`.
    pub fn hired_venue_name(&mut self, place: &Place) -> String {
        let t = *self.pick(&[
            "{place} Methodist Church Hall",
            "St Andrew's Church Hall, {place}",
            "{place} Scout Hut",
            "{place} Cricket Club Pavilion",
            "The Red Lion function room, {place}",
            "{place} Library meeting room",
            "{place} Quaker Meeting House",
            "{place} Royal British Legion Hall",
        ]);
        Fill { place: &place.name, town: &place.town, county: &place.county, venue: "", days: "", name: "" }.apply(t)
    }

    /// A service with everything hanging off it; `sites` may be empty (phone or outreach only).
    /// `variant` is the index of the name template used, which picks the matching first sentence.
    pub fn service(&mut self, org: &Org, kind: &Kind, variant: usize, name: String, sites: &[Site], place: &Place) -> String {
        let mut s = self.rec(&reg::SERVICE);
        let id = s.id().unwrap_or_default().to_string();
        s.set_text("organization_id", org.id.clone());
        if let Some(p) = &org.program_id {
            if self.chance(60) {
                s.set_text("program_id", p.clone());
            }
        }
        s.set_text("name", name.clone());

        // When it runs, decided first because the description may mention it.
        let plan = self.plan(kind.when);
        let venue = sites.first().map(|s| s.name.as_str()).unwrap_or(&place.name);
        let fill = Fill { place: &place.name, town: &place.town, county: &place.county, venue, days: &plan.days_words, name: &name };

        let mut desc = fill.apply(kind.intro[variant % kind.intro.len()]);
        let n_detail = if kind.detail.len() > 1 && self.chance(60) { 2 } else { 1 };
        let first = self.rng.gen_range(0..kind.detail.len());
        for i in 0..n_detail {
            desc.push(' ');
            desc.push_str(&fill.apply(kind.detail[(first + i) % kind.detail.len()]));
        }
        let roll = self.rng.gen_range(0..100);
        if (35..75).contains(&roll) {
            // Saying when and where puts day and venue words in the text people search.
            let when = if std::ptr::eq(kind.when, &crate::kinds::OFFICE) {
                format!(" Open {}.", plan.days_words)
            } else {
                format!(" We meet on {} at {venue}.", plan.days_words)
            };
            desc.push_str(&when);
        } else if roll < 35 {
            let closing = *self.pick(&[
                "New faces are always welcome.",
                "If you are nervous about coming for the first time, give us a ring and we will look out for you.",
                "We are run by volunteers and always glad of more help.",
                "Link workers are welcome to come along with you the first time.",
            ]);
            desc.push(' ');
            desc.push_str(closing);
        }
        s.set_text("description", desc);
        s.set_text("url", format!("https://{}/{}", org.domain, slug(&name)));
        s.set_text("email", format!("hello@{}", org.domain));

        let roll = self.rng.gen_range(0..100);
        let status = match roll {
            0..=3 => "temporarily closed",
            4 => "inactive",
            _ => "active",
        };
        s.set_text("status", status);
        if status == "temporarily closed" {
            let alert = *self.pick(ALERTS);
            s.set_text("alert", alert);
        }
        if self.chance(10) {
            let t = *self.pick(INTERPRETATION);
            s.set_text("interpretation_services", t);
        }
        let access = *self.pick(access_text(kind.access));
        s.set_text("application_process", access);
        if !kind.eligibility.is_empty() {
            let e = fill.apply(self.word(kind.eligibility));
            s.set_text("eligibility_description", e);
        }
        if let Some(min) = kind.ages.0 {
            num(&mut s, "minimum_age", f64::from(min));
        }
        if let Some(max) = kind.ages.1 {
            num(&mut s, "maximum_age", f64::from(max));
        }
        if matches!(kind.key, "debt_advice" | "benefits_advice" | "housing_advice" | "legal_advice") && self.chance(50) {
            s.set_text("accreditations", "Advice Quality Standard");
        }
        if kind.key == "debt_advice" {
            s.set_text("licenses", "Authorised and regulated by the Financial Conduct Authority for debt counselling.");
        }
        if kind.key == "immigration_advice" {
            s.set_text("licenses", "Regulated by the Immigration Advice Authority (level 1).");
        }

        // Confirmed within three months for most, older for the rest, as real directories are.
        let assured_days = if self.chance(65) { self.rng.gen_range(0..90) } else { self.rng.gen_range(90..365) };
        let assured = self.days_ago(assured_days);
        s.set_text("assured_date", date(assured));
        s.set_text("assurer_email", format!("directory@{}", org.domain));
        let back = self.rng.gen_range(0..=assured_days);
        let modified = self.days_ago(back);
        let modified_at = self.datetime_on(modified);
        s.set_text("last_modified", modified_at.clone());

        // Cost: decided here because fees_description is a service field.
        let costs = self.costs(kind.cost);
        s.set_text("fees_description", costs.1.clone());

        // Capacity: decided here because wait_time is a service field.
        let capacity = kind.capacity.filter(|_| self.chance(70)).map(|(unit, max)| {
            let maximum = (f64::from(max) * self.rng.gen_range(0.6..1.4)).round().max(4.0);
            let full = self.chance(20);
            let available = if full { 0.0 } else { self.rng.gen_range(1.0..=maximum).round() };
            (unit, maximum, available, full)
        });
        if let Some((_, _, _, true)) = capacity {
            let w = *self.pick(&["About six weeks", "Two to three months", "About four weeks"]);
            s.set_text("wait_time", w);
        }
        self.out.push(s);

        for (i, code) in std::iter::once(kind.term).chain(kind.also.iter().copied()).enumerate() {
            // Secondary terms only sometimes, so that categories overlap without all collapsing.
            if i > 0 && !self.chance(40) {
                continue;
            }
            let mut a = self.rec(&reg::ATTRIBUTE);
            a.set_text("link_id", id.clone());
            a.set_text("taxonomy_term_id", term_id(code));
            a.set_text("link_entity", "service");
            a.set_text("label", taxonomy::term(code).name);
            self.out.push(a);
        }

        if sites.is_empty() {
            self.schedule(&plan, "service_id", &id);
        }
        for (i, site) in sites.iter().enumerate() {
            let mut sal = self.rec(&reg::SERVICE_AT_LOCATION);
            let sal_id = sal.id().unwrap_or_default().to_string();
            sal.set_text("service_id", id.clone());
            sal.set_text("location_id", site.id.clone());
            if sites.len() > 1 {
                sal.set_text("description", format!("{} at {}", name, site.name));
            }
            self.out.push(sal);
            // Each site meets on its own days; the first keeps the days the description names.
            let p = if i == 0 { plan.clone() } else { self.plan(kind.when) };
            self.schedule(&p, "service_at_location_id", &sal_id);
        }

        for (option, amount, description) in costs.0 {
            let mut c = self.rec(&reg::COST_OPTION);
            c.set_text("service_id", id.clone());
            c.set_text("option", option);
            c.set_text("currency", "GBP");
            num(&mut c, "amount", amount);
            if let Some(d) = description {
                c.set_text("amount_description", d);
            }
            self.out.push(c);
        }

        self.language(&id, "English", "en", None);
        let extra = match self.rng.gen_range(0..100) {
            0..=2 => 2,
            3..=16 => 1,
            _ => 0,
        };
        let first = self.rng.gen_range(0..OTHER_LANGUAGES.len());
        for i in 0..extra {
            let (n, c, note) = OTHER_LANGUAGES[(first + i) % OTHER_LANGUAGES.len()];
            self.language(&id, n, c, Some(note));
        }

        if let Some((unit, maximum, available, full)) = capacity {
            let mut c = self.rec(&reg::SERVICE_CAPACITY);
            c.set_text("service_id", id.clone());
            c.set_text("unit_id", unit_id(unit));
            num(&mut c, "available", available);
            num(&mut c, "maximum", maximum);
            let d = if full { *self.pick(CAPACITY_FULL) } else { *self.pick(CAPACITY_OPEN) };
            c.set_text("description", d);
            c.set_text("updated", modified_at.clone());
            self.out.push(c);
        }

        if self.chance(60) {
            self.phone("service_id", &id, None);
        }
        if self.chance(30) {
            let mut c = self.rec(&reg::CONTACT);
            let cid = c.id().unwrap_or_default().to_string();
            c.set_text("service_id", id.clone());
            let (person, local) = self.person();
            c.set_text("name", person);
            let title = *self.pick(CONTACT_TITLES);
            c.set_text("title", title);
            c.set_text("email", format!("{local}@{}", org.domain));
            self.out.push(c);
            if self.chance(50) {
                self.phone("contact_id", &cid, Some("Direct line"));
            }
        }
        if sites.is_empty() || matches!(kind.access, crate::kinds::Access::Referral) || kind.key.contains("ride") || self.chance(15) {
            let mut a = self.rec(&reg::SERVICE_AREA);
            a.set_text("service_id", id.clone());
            let (n, d) = if self.chance(50) {
                (format!("{} and surrounding villages", place.town), "Covers the town and the villages around it.".to_string())
            } else {
                (place.county.clone(), format!("Anywhere in {}.", place.county))
            };
            a.set_text("name", n);
            a.set_text("description", d);
            self.out.push(a);
        }
        for d in kind.docs {
            let mut r = self.rec(&reg::REQUIRED_DOCUMENT);
            r.set_text("service_id", id.clone());
            r.set_text("document", *d);
            self.out.push(r);
        }
        if self.chance(10) {
            let (label, base) = *self.pick(URL_LABELS);
            let mut u = self.rec(&reg::URL);
            u.set_text("label", label);
            u.set_text("url", format!("{base}{}", slug(&name)));
            u.set_text("service_id", id.clone());
            self.out.push(u);
        }
        if self.chance(15) {
            let source = fill.apply(self.word(FUNDERS));
            let mut f = self.rec(&reg::FUNDING);
            f.set_text("service_id", id.clone());
            f.set_text("source", source);
            self.out.push(f);
        }
        if self.detail.metadata && self.chance(40) {
            let back = assured_days + self.rng.gen_range(60..400);
            let previous = self.days_ago(back);
            let mut m = self.rec(&reg::METADATA);
            m.set_text("resource_id", id.clone());
            m.set_text("resource_type", "service");
            m.set_text("last_action_date", date(assured));
            m.set_text("last_action_type", "update");
            m.set_text("field_name", "assured_date");
            m.set_text("previous_value", date(previous));
            m.set_text("replacement_value", date(assured));
            m.set_text("updated_by", format!("directory@{}", org.domain));
            self.out.push(m);
        }
        id
    }

    fn language(&mut self, service_id: &str, name: &str, code: &str, note: Option<&str>) {
        let mut l = self.rec(&reg::LANGUAGE);
        l.set_text("service_id", service_id);
        l.set_text("name", name);
        l.set_text("code", code);
        if let Some(n) = note {
            l.set_text("note", n);
        }
        self.out.push(l);
    }

    /// Cost options (option, amount, description) and the fees sentence.
    #[allow(clippy::type_complexity)]
    fn costs(&mut self, cost: Cost) -> (Vec<(&'static str, f64, Option<String>)>, String) {
        // Community groups that charge mostly ask £2–£4, but plenty are free and a few charge
        // more: the mix a link worker's cost filter has to sort.
        let cost = match cost {
            Cost::Mixed => match self.rng.gen_range(0..10) {
                0..=4 => Cost::Free,
                5..=7 => Cost::Low,
                _ => Cost::Paid,
            },
            Cost::Low => match self.rng.gen_range(0..100) {
                0..=29 => Cost::Free,
                30..=93 => Cost::Low,
                _ => Cost::Paid,
            },
            c => c,
        };
        match cost {
            Cost::Free | Cost::Mixed => (vec![("Free", 0.0, None)], "Free of charge.".into()),
            Cost::Donation => (
                vec![("Free; donations welcome", 0.0, None)],
                "Free. Donations are welcome but never expected.".into(),
            ),
            Cost::Low => {
                let amount = *self.pick(&[2.0f64, 2.5, 3.0, 3.0, 3.5, 4.0]);
                let extra = *self.pick(&["including refreshments", "including tea and cake", "towards room hire", "per person"]);
                let d = format!("£{amount:.2} a session, {extra}");
                (vec![("Per session", amount, Some(d.clone()))], format!("{d}. Nobody is turned away if they cannot pay."))
            }
            Cost::Paid => {
                let amount = *self.pick(&[5.5f64, 6.0, 7.5, 12.0, 45.0, 60.0, 85.0]);
                let option = if amount > 20.0 { "Per course" } else { "Per session" };
                let d = format!("£{amount:.2} {}", option.to_lowercase());
                let mut options = vec![(option, amount, Some(d.clone()))];
                let mut fees = d;
                if self.chance(50) {
                    let c = (amount * 0.5 * 2.0).round() / 2.0;
                    let c = if c > 20.0 { c } else { c.min(4.0) };
                    options.push(("Concession", c, Some(format!("£{c:.2} for people on benefits, students and over-65s"))));
                    fees.push_str(&format!("; concessions £{c:.2}"));
                }
                (options, format!("{fees}."))
            }
        }
    }

    fn plan(&mut self, when: &When) -> Plan {
        let n = (self.rng.gen_range(when.n.0..=when.n.1) as usize).min(when.days.len());
        let mut days: Vec<&str> = when.days.choose_multiple(&mut self.rng, n).copied().collect();
        days.sort_by_key(|d| DAY_CODES.iter().position(|c| c == d));
        let start = *self.pick(when.starts);
        let minutes = u32::from(*self.pick(when.minutes));
        let sh: u32 = start[..2].parse().unwrap_or(9);
        let sm: u32 = start[3..5].parse().unwrap_or(0);
        let open = sh * 60 + sm;
        let close = (open + minutes).min(23 * 60 + 30);
        let monthly = self.chance(u32::from(when.monthly));
        let idx = |d: &str| DAY_CODES.iter().position(|c| *c == d).unwrap_or(0);
        let (byday, days_words, description) = if monthly {
            let (ord, word) = *self.pick(&[("1", "First"), ("2", "Second"), ("3", "Third"), ("-1", "Last")]);
            let day = days[0];
            (
                format!("{ord}{day}"),
                format!("the {} {} of the month", word.to_lowercase(), DAY_NAMES[idx(day)]),
                format!("{word} {} of the month, {} to {}", DAY_NAMES[idx(day)], clock(open), clock(close)),
            )
        } else {
            let plurals: Vec<&str> = days.iter().map(|d| DAY_PLURALS[idx(d)]).collect();
            let words = if days.len() == 5 && days.iter().all(|d| !matches!(*d, "SA" | "SU")) {
                "Monday to Friday".to_string()
            } else {
                join_words(&plurals)
            };
            (days.join(","), words.clone(), format!("{words}, {} to {}", clock(open), clock(close)))
        };
        let term_time = !monthly && self.chance(10);
        Plan { monthly, byday, days_words, description, open, close, term_time }
    }

    fn schedule(&mut self, p: &Plan, field: &str, owner: &str) {
        let mut s = self.rec(&reg::SCHEDULE);
        s.set_text(field, owner);
        s.set_text("freq", if p.monthly { "MONTHLY" } else { "WEEKLY" });
        s.set_text("wkst", "MO");
        s.set_text("byday", p.byday.clone());
        // RFC 5545 wants a first occurrence: the first meeting day on or after a date when the
        // activity plausibly started.
        let weekday = DAY_CODES.iter().position(|c| p.byday.ends_with(c)).unwrap_or(0) as i64;
        let back = self.rng.gen_range(30..900);
        let begun = self.days_ago(back);
        let shift = (weekday - i64::from(begun.weekday().num_days_from_monday())).rem_euclid(7);
        s.set_text("dtstart", date(begun + Duration::days(shift)));
        s.set_text("opens_at", format!("{:02}:{:02}:00", p.open / 60, p.open % 60));
        s.set_text("closes_at", format!("{:02}:{:02}:00", p.close / 60, p.close % 60));
        let description = if p.term_time { format!("{}, term time only", p.description) } else { p.description.clone() };
        s.set_text("description", description);
        s.set_text("attending_type", "in person");
        if p.term_time {
            s.set_text("notes", "No sessions in the school holidays.");
        }
        self.out.push(s);
    }
}

#[derive(Clone, Debug)]
struct Plan {
    monthly: bool,
    byday: String,
    days_words: String,
    description: String,
    open: u32,
    close: u32,
    term_time: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_words_read_as_people_write_them() {
        assert_eq!(clock(600), "10am");
        assert_eq!(clock(720), "12 noon");
        assert_eq!(clock(810), "1.30pm");
        assert_eq!(join_words(&["Mondays", "Wednesdays", "Fridays"]), "Mondays, Wednesdays and Fridays");
    }

    #[test]
    fn templates_fill_known_keys() {
        let f = Fill { place: "Kingsmere", town: "Millbrook", county: "Wendshire", venue: "the hall", days: "Tuesdays", name: "" };
        assert_eq!(f.apply("{place} Lunch Club at {venue}, {days}"), "Kingsmere Lunch Club at the hall, Tuesdays");
    }
}
