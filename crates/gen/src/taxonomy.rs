//! The Linkwork social-prescribing taxonomy: three levels, from the need categories of the
//! domain brief (material needs, health behaviours, social and emotional) down to the kinds of
//! activity a link worker prescribes.
//!
//! Ids are derived from the term codes (not drawn from the seed), so that the same term has the
//! same id in the demo, in every synthetic directory and in anything a user saved against it.

use linkwork_domain::hsds::{registry, Record};
use linkwork_domain::Id;

use crate::out::Out;

/// One term: `code` is dotted (`mat.food.bank`); its parent is the code without the last part.
pub struct Term {
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

pub const TAXONOMY_NAME: &str = "Linkwork social prescribing taxonomy";
const TAXONOMY_URI: &str = "https://linkwork.example.org/taxonomy/social-prescribing";
const TAXONOMY_VERSION: &str = "1.0";

const fn t(code: &'static str, name: &'static str, description: &'static str) -> Term {
    Term { code, name, description }
}

/// Parents come before their children, so the list can be written in order.
pub static TERMS: &[Term] = &[
    t("mat", "Material needs", "Help with the basics: food, transport, money, legal problems, housing and getting online."),
    t("mat.food", "Food", "Emergency food, low-cost groceries and shared meals."),
    t("mat.food.bank", "Food bank", "Emergency food parcels, usually with a voucher from a referral partner."),
    t("mat.food.pantry", "Community pantry", "Membership schemes for low-cost groceries each week."),
    t("mat.food.meals", "Community meals and cafés", "Hot meals, pay-as-you-feel cafés and community fridges."),
    t("mat.food.holiday", "Holiday food and activities", "Meals and activities for children in the school holidays."),
    t("mat.transport", "Transport", "Getting to appointments, shops and activities."),
    t("mat.transport.dial", "Dial-a-ride", "Door-to-door minibus for people who cannot use buses."),
    t("mat.transport.cars", "Community car schemes", "Volunteer drivers for health appointments and essential trips."),
    t("mat.money", "Money", "Debt, benefits, bills and grants."),
    t("mat.money.debt", "Debt advice", "Free, confidential help to deal with debts."),
    t("mat.money.benefits", "Benefits advice", "Checking entitlement and help with claims, reviews and appeals."),
    t("mat.money.energy", "Energy and bills", "Help with fuel debt, heating and keeping warm at home."),
    t("mat.legal", "Legal", "Legal advice and representation."),
    t("mat.legal.advice", "Legal advice", "Free legal advice on employment, family, consumer and other problems."),
    t("mat.legal.immigration", "Immigration and asylum advice", "Regulated advice and practical support for refugees and migrants."),
    t("mat.housing", "Housing", "Somewhere safe and warm to live."),
    t("mat.housing.advice", "Housing advice", "Tenancy problems, repairs, eviction and finding a home."),
    t("mat.housing.homeless", "Homelessness support", "Support for people who are homeless or about to be."),
    t("mat.housing.repairs", "Home repairs and adaptations", "Small repairs, safety checks and adaptations so people can stay at home."),
    t("mat.digital", "Digital inclusion", "Skills, devices and data to get online."),
    t("mat.digital.skills", "Digital skills", "Help to use phones, tablets, computers and online services."),
    t("mat.digital.devices", "Devices and data", "Loaned or donated devices, SIM cards and free wifi."),
    t("health", "Health behaviours", "Support to change habits and to live well with health conditions."),
    t("health.activity", "Physical activity", "Ways to move more, at any level of fitness."),
    t("health.activity.walking", "Walking", "Led walks and walking groups."),
    t("health.activity.exercise", "Exercise classes", "Group exercise and fitness sessions."),
    t("health.activity.chair", "Chair-based and falls prevention exercise", "Gentle, seated or strength-and-balance exercise."),
    t("health.activity.swimming", "Swimming and water exercise", "Swimming sessions and aqua classes."),
    t("health.activity.dance", "Dance", "Dance classes and movement to music."),
    t("health.eating", "Healthy eating", "Cooking, food and weight."),
    t("health.eating.cooking", "Cooking skills", "Learning to cook healthy meals on a budget."),
    t("health.eating.weight", "Weight management", "Support to reach and keep a healthy weight."),
    t("health.smoking", "Smoking", "Stopping smoking."),
    t("health.smoking.stop", "Stop smoking support", "Behavioural support and stop smoking aids."),
    t("health.substance", "Alcohol and drugs", "Support with alcohol and drug use."),
    t("health.substance.alcohol", "Alcohol support", "Help to cut down or stop drinking, and recovery groups."),
    t("health.substance.drugs", "Drug support", "Treatment, harm reduction and recovery support for drug use."),
    t("health.ltc", "Long-term conditions", "Living well with long-term health conditions."),
    t("health.ltc.selfmanagement", "Self-management courses", "Courses to manage a long-term condition day to day."),
    t("health.ltc.diabetes", "Diabetes support", "Groups and education for people living with diabetes."),
    t("health.ltc.breathing", "Lung health", "Support for people with COPD and other lung conditions."),
    t("health.ltc.heart", "Heart health and stroke", "Support after a heart attack or stroke, and for heart conditions."),
    t("health.ltc.dementia", "Dementia support", "Memory cafés and support for people with dementia and their families."),
    t("health.mental", "Mental health", "Emotional wellbeing and mental health support."),
    t("health.mental.therapy", "Talking therapies", "Counselling and psychological therapies."),
    t("health.mental.peer", "Peer support", "Groups run by and for people with lived experience."),
    t("health.mental.wellbeing", "Wellbeing courses", "Courses on stress, sleep, mood and mindfulness."),
    t("social", "Social and emotional", "Connection, creativity, nature, learning and purpose."),
    t("social.connection", "Social connection", "Company, friendship and belonging."),
    t("social.connection.befriending", "Befriending", "Regular visits or calls from a volunteer befriender."),
    t("social.connection.lunch", "Lunch clubs", "A hot meal and company, usually for older people."),
    t("social.connection.dropin", "Coffee mornings and warm spaces", "Drop-in places to have a drink, keep warm and chat."),
    t("social.connection.shed", "Men's sheds", "Workshops where people make, mend and talk shoulder to shoulder."),
    t("social.connection.club", "Social clubs", "Friendship clubs and community groups."),
    t("social.arts", "Arts and culture", "Arts, heritage and culture."),
    t("social.arts.singing", "Singing and music", "Choirs, singing for health and music groups."),
    t("social.arts.art", "Art groups", "Painting, drawing and other visual art."),
    t("social.arts.crafts", "Crafts", "Knitting, sewing, woodwork and other crafts."),
    t("social.arts.reading", "Reading and writing groups", "Book groups, shared reading and creative writing."),
    t("social.arts.heritage", "Heritage and museums", "Local history, museums and heritage volunteering."),
    t("social.nature", "Nature and outdoors", "Time outdoors and in green space."),
    t("social.nature.gardening", "Gardening", "Community gardens, allotments and therapeutic horticulture."),
    t("social.nature.greengym", "Green gym and conservation", "Practical conservation work outdoors."),
    t("social.nature.walks", "Nature walks", "Guided walks to enjoy and learn about nature."),
    t("social.volunteering", "Volunteering", "Giving time to help others."),
    t("social.volunteering.roles", "Volunteering opportunities", "Finding a volunteer role that suits."),
    t("social.learning", "Learning and work", "Skills, learning and routes into work."),
    t("social.learning.jobs", "Job skills and employment support", "Job clubs, CVs, interviews and confidence to work."),
    t("social.learning.adult", "Adult learning", "Courses and classes for adults."),
    t("social.learning.english", "English language (ESOL)", "English classes and conversation groups."),
    t("social.family", "Family and carers", "Support for families, young people and unpaid carers."),
    t("social.family.carers", "Carers support", "Support, breaks and groups for unpaid carers."),
    t("social.family.toddler", "Parent and toddler groups", "Play and company for parents and carers of young children."),
    t("social.family.youth", "Youth clubs", "Clubs and activities for young people."),
    t("social.bereavement", "Bereavement", "Support after a death."),
    t("social.bereavement.support", "Bereavement support", "Groups and one-to-one support for bereaved people."),
];

/// The taxonomy's id.
pub fn taxonomy_id() -> String {
    Id::derived("taxonomy", TAXONOMY_URI).to_string()
}

/// The id of the term with `code`.
pub fn term_id(code: &str) -> String {
    Id::derived("taxonomy_term", &format!("{TAXONOMY_URI}#{code}")).to_string()
}

pub fn term(code: &str) -> &'static Term {
    TERMS.iter().find(|t| t.code == code).unwrap_or_else(|| panic!("no taxonomy term {code}"))
}

/// The top-level terms, as codes.
pub fn top_level() -> impl Iterator<Item = &'static Term> {
    TERMS.iter().filter(|t| !t.code.contains('.'))
}

/// Writes the taxonomy and all its terms.
pub(crate) fn write(out: &mut Out) {
    let tax_id = taxonomy_id();
    let mut tax = Record::new(&registry::TAXONOMY);
    tax.set_text("id", tax_id.clone());
    tax.set_text("name", TAXONOMY_NAME);
    tax.set_text(
        "description",
        "What people are referred for in social prescribing, grouped as material needs, health behaviours and social and emotional needs.",
    );
    tax.set_text("uri", TAXONOMY_URI);
    tax.set_text("version", TAXONOMY_VERSION);
    out.push(tax);
    for term in TERMS {
        let mut r = Record::new(&registry::TAXONOMY_TERM);
        r.set_text("id", term_id(term.code));
        r.set_text("code", term.code);
        r.set_text("name", term.name);
        r.set_text("description", term.description);
        if let Some((parent, _)) = term.code.rsplit_once('.') {
            r.set_text("parent_id", term_id(parent));
        }
        r.set_text("taxonomy", TAXONOMY_NAME);
        r.set_text("language", "en");
        r.set_text("taxonomy_id", tax_id.clone());
        r.set_text("term_uri", format!("{TAXONOMY_URI}#{}", term.code));
        out.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_first_and_codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for t in TERMS {
            if let Some((parent, _)) = t.code.rsplit_once('.') {
                assert!(seen.contains(parent), "{} before its parent", t.code);
            }
            assert!(seen.insert(t.code), "{} twice", t.code);
        }
        assert_eq!(top_level().count(), 3);
    }
}
