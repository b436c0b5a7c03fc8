//! The kinds of organisation that run community services, with how they name and describe
//! themselves, their legal form and the services each typically offers.

/// Legal form, which decides the legal status, tax status and register number shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Legal {
    /// Charitable incorporated organisation (registered charity).
    Cio,
    /// Charitable company limited by guarantee.
    CharitableCompany,
    /// Community interest company.
    Cic,
    /// Unincorporated association: a community group, not registered.
    Group,
    /// A church or faith group (often an excepted charity).
    Faith,
    /// A local authority team.
    Council,
    /// An NHS body or GP practice.
    Nhs,
}

impl Legal {
    pub fn legal_status(self) -> &'static str {
        match self {
            Legal::Cio => "Charitable incorporated organisation",
            Legal::CharitableCompany => "Company limited by guarantee and registered charity",
            Legal::Cic => "Community interest company",
            Legal::Group => "Unincorporated association",
            Legal::Faith => "Place of worship",
            Legal::Council => "Local authority",
            Legal::Nhs => "NHS body",
        }
    }

    pub fn tax_status(self) -> Option<&'static str> {
        match self {
            Legal::Cio | Legal::CharitableCompany => Some("Registered charity"),
            Legal::Faith => Some("Excepted charity"),
            Legal::Cic => Some("Not-for-profit"),
            Legal::Council | Legal::Nhs => Some("Public body"),
            Legal::Group => None,
        }
    }
}

#[derive(Debug)]
pub struct OrgType {
    pub key: &'static str,
    /// Templates: `{place}`, `{town}`, `{county}`.
    pub names: &'static [&'static str],
    /// One sentence about the organisation; the description adds a second from its services.
    pub about: &'static [&'static str],
    pub legal: Legal,
    /// Service kinds it may run (keys of [`crate::kinds::KINDS`]).
    pub kinds: &'static [&'static str],
    /// How many services: between these.
    pub n: (u8, u8),
    /// Its own building; `{place}` is where it is.
    pub venues: &'static [&'static str],
    /// Whether it runs services in other places too (outreach), not only its own building.
    pub outreach: bool,
}

pub static ORG_TYPES: &[OrgType] = &[
    OrgType {
        key: "food_bank", legal: Legal::Cio, n: (1, 3), outreach: true,
        names: &["{place} Foodbank", "{place} & District Foodbank", "{place} Food Aid"],
        about: &["An independent charity supported by local churches, schools and businesses, working to end the need for food banks in {place}."],
        kinds: &["food_bank", "pantry", "holiday_food", "debt_advice", "community_cafe"],
        venues: &["{place} Foodbank Warehouse", "Unit 4, {place} Trading Estate"],
    },
    OrgType {
        key: "advice_centre", legal: Legal::CharitableCompany, n: (2, 4), outreach: true,
        names: &["{place} Advice Centre", "{place} Community Advice", "{county} Advice Network", "{place} Money and Advice Hub"],
        about: &["Free, independent, confidential and impartial advice on money, benefits, debt, housing, work and consumer problems."],
        kinds: &["debt_advice", "benefits_advice", "housing_advice", "energy_advice", "legal_advice"],
        venues: &["{place} Advice Centre", "The Old Post Office, {place}"],
    },
    OrgType {
        key: "law_centre", legal: Legal::CharitableCompany, n: (1, 2), outreach: false,
        names: &["{county} Law Centre", "{place} Community Law Service"],
        about: &["A not-for-profit law centre giving free legal advice and representation to people who cannot afford a lawyer."],
        kinds: &["legal_advice", "immigration_advice", "housing_advice"],
        venues: &["{county} Law Centre, Chambers House"],
    },
    OrgType {
        key: "housing_charity", legal: Legal::CharitableCompany, n: (1, 3), outreach: true,
        names: &["{place} Homeless Action", "{county} Housing Aid", "The {place} Doorway Trust"],
        about: &["We work with people who are homeless or badly housed, helping them find and keep a safe home."],
        kinds: &["homeless_support", "housing_advice", "home_repairs"],
        venues: &["The Doorway Centre, {place}", "{place} Day Centre"],
    },
    OrgType {
        key: "transport", legal: Legal::Cio, n: (1, 2), outreach: false,
        names: &["{place} Community Transport", "{place} Dial-a-Ride", "{place} and Villages Community Transport"],
        about: &["A community transport charity helping people who cannot use public transport to stay independent and get out and about."],
        kinds: &["dial_a_ride", "car_scheme"],
        venues: &["{place} Community Transport Depot"],
    },
    OrgType {
        key: "library", legal: Legal::Council, n: (2, 4), outreach: false,
        names: &["{place} Library", "{place} Library and Community Hub"],
        about: &["Your local library: books, computers and free wifi, with activities for all ages and a warm welcome."],
        kinds: &["digital_skills", "device_lending", "reading_group", "toddler", "english", "job_skills", "coffee_morning", "heritage"],
        venues: &["{place} Library"],
    },
    OrgType {
        key: "leisure_centre", legal: Legal::CharitableCompany, n: (2, 4), outreach: false,
        names: &["{place} Leisure Centre", "{place} Pool and Fitness Centre"],
        about: &["A community leisure centre run by a not-for-profit leisure trust, with a pool, gym, sports hall and studio."],
        kinds: &["exercise_class", "swimming", "chair_exercise", "weight", "dance", "heart"],
        venues: &["{place} Leisure Centre"],
    },
    OrgType {
        key: "council", legal: Legal::Council, n: (1, 3), outreach: true,
        names: &["{county} County Council Adult Learning", "{town} Town Council Community Team", "{county} Public Health Team", "{town} District Council Housing Options"],
        about: &["A local council team working with residents and community partners."],
        kinds: &["adult_learning", "housing_advice", "stop_smoking", "energy_advice", "holiday_food", "weight"],
        venues: &["{town} Town Hall", "{town} Council Offices, Market Place"],
    },
    OrgType {
        key: "gp", legal: Legal::Nhs, n: (1, 3), outreach: false,
        names: &["{place} Health Centre", "{place} Medical Practice", "{place} Surgery", "{place} Family Practice"],
        about: &["An NHS GP practice. Our social prescribing link workers, health coaches and care coordinators help patients with what matters to them."],
        kinds: &["walking", "diabetes", "breathing", "self_management", "stop_smoking", "weight", "gardening"],
        venues: &["{place} Health Centre", "{place} Surgery"],
    },
    OrgType {
        key: "nhs_service", legal: Legal::Nhs, n: (1, 2), outreach: true,
        names: &["{county} Talking Therapies", "{county} Community Health Services", "{county} Wellbeing Service"],
        about: &["An NHS service for people living in {county}."],
        kinds: &["talking_therapy", "wellbeing_course", "self_management", "breathing", "heart"],
        venues: &["{town} Community Hospital", "{county} House, {town}"],
    },
    OrgType {
        key: "recovery", legal: Legal::CharitableCompany, n: (1, 3), outreach: true,
        names: &["{county} Recovery Partnership", "Clearway Recovery {county}", "{place} Recovery Hub"],
        about: &["Free and confidential support for adults and young people affected by drugs and alcohol, and for their families."],
        kinds: &["alcohol", "drugs"],
        venues: &["The Recovery Hub, {place}"],
    },
    OrgType {
        key: "age_charity", legal: Legal::Cio, n: (2, 4), outreach: true,
        names: &["Age Well {county}", "{place} Older People's Forum", "Silver Threads {place}"],
        about: &["A local charity helping older people to live well, stay independent and feel part of their community."],
        kinds: &["befriending", "lunch_club", "chair_exercise", "benefits_advice", "dementia", "home_repairs", "digital_skills"],
        venues: &["Age Well Centre, {place}", "{place} Day Centre"],
    },
    OrgType {
        key: "carers_charity", legal: Legal::Cio, n: (1, 2), outreach: true,
        names: &["{county} Carers Network", "{place} Carers Centre"],
        about: &["We support unpaid carers of all ages to look after their own health and wellbeing and to have a life of their own."],
        kinds: &["carers", "dementia", "wellbeing_course"],
        venues: &["{place} Carers Centre"],
    },
    OrgType {
        key: "mental_health", legal: Legal::CharitableCompany, n: (1, 3), outreach: true,
        names: &["{place} Minds Matter", "{county} Mental Health Together", "Open Door {place}"],
        about: &["A local mental health charity: nobody should face a mental health problem alone."],
        kinds: &["peer_support", "talking_therapy", "wellbeing_course", "art_group", "gardening"],
        venues: &["Open Door Centre, {place}", "{place} Wellbeing Hub"],
    },
    OrgType {
        key: "bereavement", legal: Legal::Cio, n: (1, 2), outreach: true,
        names: &["{county} Bereavement Support", "{place} Hospice at Home"],
        about: &["Support for adults, children and young people after the death of someone close."],
        kinds: &["bereavement"],
        venues: &["{place} Hospice Day Centre", "Bereavement Support Rooms, {place}"],
    },
    OrgType {
        key: "youth", legal: Legal::Cio, n: (1, 3), outreach: true,
        names: &["{place} Youth Trust", "{place} Young People's Project", "{place} Youth Partnership"],
        about: &["Youth work that gives young people in {place} somewhere to go, something to do and someone to talk to."],
        kinds: &["youth_club", "holiday_food", "job_skills"],
        venues: &["{place} Youth Centre", "The Hub, {place}"],
    },
    OrgType {
        key: "volunteer_centre", legal: Legal::CharitableCompany, n: (1, 3), outreach: false,
        names: &["{place} Community Action", "{county} Voluntary Action", "{place} Volunteer Centre"],
        about: &["The local infrastructure charity for voluntary and community groups, and the place to start if you want to volunteer."],
        kinds: &["volunteering", "befriending", "car_scheme", "digital_skills"],
        venues: &["{place} Volunteer Centre"],
    },
    OrgType {
        key: "arts_centre", legal: Legal::Cio, n: (1, 3), outreach: false,
        names: &["{place} Arts Centre", "{place} Arts Collective", "The Old Maltings Arts, {place}"],
        about: &["A community arts centre where everyone can make, see and enjoy art, music, theatre and film."],
        kinds: &["art_group", "choir", "crafts", "dance", "reading_group"],
        venues: &["{place} Arts Centre", "The Old Maltings, {place}"],
    },
    OrgType {
        key: "wildlife", legal: Legal::CharitableCompany, n: (1, 3), outreach: true,
        names: &["{county} Wildlife Trust", "Friends of {place} Country Park", "{place} Green Spaces Partnership"],
        about: &["Caring for local wildlife and green spaces, and helping people enjoy and value nature."],
        kinds: &["green_gym", "nature_walks", "gardening", "volunteering"],
        venues: &["{place} Country Park Visitor Centre", "{place} Nature Reserve Car Park"],
    },
    OrgType {
        key: "community_garden", legal: Legal::Cic, n: (1, 2), outreach: false,
        names: &["{place} Community Garden", "Growing {place}", "{place} Orchard Project"],
        about: &["A community growing space open to all, run by volunteers."],
        kinds: &["gardening", "cooking", "volunteering"],
        venues: &["{place} Community Garden, Allotment Lane", "{place} Walled Garden"],
    },
    OrgType {
        key: "mens_shed", legal: Legal::Group, n: (1, 1), outreach: false,
        names: &["{place} Men's Shed", "{place} Community Shed"],
        about: &["A community workshop run by its members."],
        kinds: &["mens_shed"],
        venues: &["The Shed, {place} Allotments", "{place} Men's Shed, Station Yard"],
    },
    OrgType {
        key: "choir", legal: Legal::Group, n: (1, 1), outreach: false,
        names: &["{place} Community Choir", "{place} Singers", "Voices of {place}"],
        about: &["A non-auditioned community choir."],
        kinds: &["choir"],
        venues: &[],
    },
    OrgType {
        key: "learning_group", legal: Legal::Cio, n: (1, 2), outreach: false,
        names: &["{place} Later Life Learning", "{place} University of the Third Age Group", "{place} Learning Circle"],
        about: &["A self-help learning organisation for people no longer in full-time work."],
        kinds: &["adult_learning", "reading_group", "heritage", "walking"],
        venues: &[],
    },
    OrgType {
        key: "walking_club", legal: Legal::Group, n: (1, 1), outreach: false,
        names: &["{place} Ramblers", "{place} Walking Group", "{place} Strollers"],
        about: &["A volunteer-led walking group."],
        kinds: &["walking", "nature_walks"],
        venues: &[],
    },
    OrgType {
        key: "digital", legal: Legal::Cic, n: (1, 2), outreach: true,
        names: &["Get Online {county}", "{place} Digital Inclusion Project", "Tech Together {place}"],
        about: &["We help people get online with the skills, devices and data they need."],
        kinds: &["digital_skills", "device_lending"],
        venues: &["{place} Digital Hub"],
    },
    OrgType {
        key: "employment", legal: Legal::CharitableCompany, n: (1, 2), outreach: true,
        names: &["{place} Works", "{county} Pathways to Work", "{place} Skills Hub"],
        about: &["Helping local people into work, training and volunteering."],
        kinds: &["job_skills", "adult_learning", "english", "volunteering"],
        venues: &["{place} Skills Hub, Enterprise House"],
    },
    OrgType {
        key: "church", legal: Legal::Faith, n: (1, 3), outreach: false,
        names: &["St Mary's Church, {place}", "{place} Methodist Church", "{place} Baptist Church", "St John's Church, {place}", "All Saints, {place}", "{place} United Reformed Church", "Our Lady and St Joseph Catholic Church, {place}", "{place} Community Church", "St Peter's Church, {place}", "{place} Salvation Army"],
        about: &["A church at the heart of the community, open to people of all faiths and none.", "Our church family welcomes everyone and runs activities for the whole community through the week."],
        kinds: &["lunch_club", "coffee_morning", "toddler", "community_cafe", "pantry", "bereavement", "crafts", "social_club", "food_bank", "choir"],
        venues: &["{name}", "{name} (church hall)"],
    },
    OrgType {
        key: "faith_centre", legal: Legal::Faith, n: (1, 3), outreach: false,
        names: &["{place} Jamia Mosque", "{place} Islamic Centre", "{place} Gurdwara", "{place} Hindu Cultural Centre"],
        about: &["A place of worship and community centre serving families across {place}, open to visitors of every faith."],
        kinds: &["community_cafe", "english", "social_club", "youth_club", "pantry"],
        venues: &["{name}"],
    },
    OrgType {
        key: "community_centre", legal: Legal::Cio, n: (2, 4), outreach: false,
        names: &["{place} Community Centre", "{place} Community Association", "{place} Neighbourhood Centre"],
        about: &["A community centre run by local people for local people, with something on every day of the week."],
        kinds: &["coffee_morning", "toddler", "youth_club", "community_cafe", "chair_exercise", "crafts", "social_club", "dance", "lunch_club", "exercise_class"],
        venues: &["{place} Community Centre"],
    },
    OrgType {
        key: "village_hall", legal: Legal::Cio, n: (1, 3), outreach: false,
        names: &["{place} Village Hall", "{place} Memorial Hall", "{place} Village Hall Committee"],
        about: &["The village hall is a charity run by volunteers for everyone in {place}."],
        kinds: &["coffee_morning", "lunch_club", "toddler", "chair_exercise", "social_club", "crafts", "dance"],
        venues: &["{place} Village Hall", "{place} Memorial Hall"],
    },
    OrgType {
        key: "womens_group", legal: Legal::Group, n: (1, 1), outreach: false,
        names: &["{place} Women's Institute", "{place} Ladies' Circle", "{place} Women's Group"],
        about: &["A friendly group of women of all ages who meet to learn, campaign and have fun."],
        kinds: &["social_club", "crafts"],
        venues: &[],
    },
    OrgType {
        key: "diabetes_group", legal: Legal::Group, n: (1, 1), outreach: false,
        names: &["{place} Diabetes Group", "{place} Diabetes Support Group"],
        about: &["A volunteer-run support group for people living with diabetes and their families."],
        kinds: &["diabetes"],
        venues: &[],
    },
    OrgType {
        key: "heart_group", legal: Legal::Group, n: (1, 1), outreach: false,
        names: &["{place} Stroke Club", "{place} Heart Support Group", "{place} Cardiac Club"],
        about: &["A volunteer-run group for people living with heart conditions or after a stroke, and their carers."],
        kinds: &["heart"],
        venues: &[],
    },
    OrgType {
        key: "breathing_club", legal: Legal::Group, n: (1, 1), outreach: false,
        names: &["{place} Better Breathing Club", "{place} Breathe Together Group"],
        about: &["A volunteer-run group for people living with COPD and other lung conditions."],
        kinds: &["breathing"],
        venues: &[],
    },
    OrgType {
        key: "memory_cafe", legal: Legal::Group, n: (1, 1), outreach: false,
        names: &["{place} Memory Café", "{place} Forget Me Not Club", "{place} Dementia Friends Group"],
        about: &["A volunteer-run group for people living with dementia and the people who care for them."],
        kinds: &["dementia"],
        venues: &[],
    },
    OrgType {
        key: "family_charity", legal: Legal::Cio, n: (1, 3), outreach: true,
        names: &["{place} Family Support", "{place} Families First", "{place} Family Hub"],
        about: &["Volunteers supporting parents of young children through challenging times."],
        kinds: &["toddler", "holiday_food", "cooking", "carers"],
        venues: &["{place} Family Hub"],
    },
    OrgType {
        key: "migrant_group", legal: Legal::Cio, n: (1, 3), outreach: false,
        names: &["{county} Polish Community Association", "{place} Bangladeshi Women's Association", "{county} Refugee Welcome", "{county} Lao Community Association", "{place} Romanian Community Group", "{place} Arabic Speakers' Network"],
        about: &["A community organisation run by and for people who have made their home here from abroad."],
        kinds: &["immigration_advice", "english", "social_club", "youth_club", "benefits_advice"],
        venues: &[],
    },
    OrgType {
        key: "hospice", legal: Legal::CharitableCompany, n: (1, 2), outreach: true,
        names: &["{county} Hospice", "{place} Hospice"],
        about: &["Specialist palliative care and support for people with life-limiting illness and their families."],
        kinds: &["bereavement", "carers", "wellbeing_course"],
        venues: &["{place} Hospice"],
    },
];

pub fn org_type(key: &str) -> &'static OrgType {
    ORG_TYPES.iter().find(|t| t.key == key).unwrap_or_else(|| panic!("no organisation type {key}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::{kind, KINDS};

    #[test]
    fn every_kind_has_an_organisation_that_runs_it() {
        for t in ORG_TYPES {
            for k in t.kinds {
                kind(k);
            }
            assert!(t.n.0 >= 1 && t.n.0 <= t.n.1, "{}", t.key);
        }
        for k in KINDS {
            assert!(ORG_TYPES.iter().any(|t| t.kinds.contains(&k.key)), "nobody runs {}", k.key);
        }
    }
}
