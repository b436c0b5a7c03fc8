//! The kinds of service a directory holds, one or more per leaf of the taxonomy, with the words a
//! community organisation would use to describe them.
//!
//! Templates take `{place}` (the town, village or neighbourhood), `{town}` (the main town),
//! `{county}`, `{venue}` (where it meets) and `{days}` (the days it meets, "Tuesdays"). Names and
//! descriptions are assembled from several lists, so that a large synthetic directory still reads
//! varied and gives a search engine real words to rank.

/// How people get in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    DropIn,
    SelfRefer,
    Referral,
    Booking,
    Voucher,
}

/// What it costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    Free,
    /// Free, with donations welcome.
    Donation,
    /// £2–£4 a session, now and then free.
    Low,
    /// Mostly free, some low cost, a few paid.
    Mixed,
    /// A fee, sometimes with a concession.
    Paid,
}

/// When it runs: `n` days drawn from `days`, starting at one of `starts`, lasting one of
/// `minutes`; `monthly` is the chance in 100 that it meets monthly instead of weekly.
#[derive(Debug)]
pub struct When {
    pub days: &'static [&'static str],
    pub n: (u8, u8),
    pub starts: &'static [&'static str],
    pub minutes: &'static [u16],
    pub monthly: u8,
}

const WEEKDAYS: &[&str] = &["MO", "TU", "WE", "TH", "FR"];
const ANY_DAY: &[&str] = &["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

pub static OFFICE: When = When { days: WEEKDAYS, n: (3, 5), starts: &["09:00", "09:30", "10:00"], minutes: &[240, 420, 450, 480], monthly: 0 };
pub static SESSION: When = When { days: WEEKDAYS, n: (1, 2), starts: &["09:30", "10:00", "10:30", "13:30", "14:00"], minutes: &[90, 120], monthly: 10 };
pub static SESSION_ANY: When = When { days: ANY_DAY, n: (1, 2), starts: &["09:30", "10:00", "13:00", "14:00", "18:30"], minutes: &[90, 120, 150], monthly: 5 };
pub static EVENING: When = When { days: WEEKDAYS, n: (1, 1), starts: &["18:00", "18:30", "19:00", "19:30"], minutes: &[90, 120], monthly: 15 };
pub static LUNCH: When = When { days: WEEKDAYS, n: (1, 2), starts: &["11:30", "12:00", "12:30"], minutes: &[120, 150], monthly: 15 };
pub static MORNING: When = When { days: &["MO", "TU", "WE", "TH", "FR", "SA"], n: (1, 2), starts: &["09:00", "09:30", "10:00", "10:30"], minutes: &[90, 120, 150], monthly: 10 };
pub static WALK: When = When { days: ANY_DAY, n: (1, 2), starts: &["09:30", "10:00", "10:30", "13:30"], minutes: &[60, 90, 120], monthly: 5 };
pub static CLASS: When = When { days: ANY_DAY, n: (1, 3), starts: &["09:15", "10:00", "11:00", "14:00", "18:00", "19:00"], minutes: &[45, 60], monthly: 0 };
pub static YOUTH: When = When { days: &["MO", "TU", "WE", "TH", "FR", "SA"], n: (1, 2), starts: &["16:00", "17:00", "18:00", "18:30", "19:00"], minutes: &[120, 150], monthly: 0 };
pub static CLINIC: When = When { days: WEEKDAYS, n: (1, 3), starts: &["09:00", "13:00", "14:00", "17:00"], minutes: &[180, 240], monthly: 0 };

/// Capacity units (the HSDS 3.1 `unit` table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Places,
    Appointments,
    Parcels,
    Volunteers,
}

impl Unit {
    pub const ALL: [Unit; 4] = [Unit::Places, Unit::Appointments, Unit::Parcels, Unit::Volunteers];

    pub fn name(self) -> &'static str {
        match self {
            Unit::Places => "places",
            Unit::Appointments => "appointments per week",
            Unit::Parcels => "food parcels per week",
            Unit::Volunteers => "volunteer roles",
        }
    }

    pub fn identifier(self) -> &'static str {
        match self {
            Unit::Places => "places",
            Unit::Appointments => "appointments-per-week",
            Unit::Parcels => "parcels-per-week",
            Unit::Volunteers => "volunteer-roles",
        }
    }
}

#[derive(Debug)]
pub struct Kind {
    pub key: &'static str,
    /// What an organisation running it says it runs ("a lunch club").
    pub what: &'static str,
    /// The leaf taxonomy term (code).
    pub term: &'static str,
    /// Further terms the service is tagged with.
    pub also: &'static [&'static str],
    pub names: &'static [&'static str],
    /// First sentence; the one at a name's index (modulo) goes with that name, so that a
    /// "Tea Dance" is not described as a fitness class.
    pub intro: &'static [&'static str],
    /// One or two are used.
    pub detail: &'static [&'static str],
    pub access: Access,
    pub eligibility: &'static [&'static str],
    pub ages: (Option<u8>, Option<u8>),
    pub cost: Cost,
    pub when: &'static When,
    pub docs: &'static [&'static str],
    /// Unit and typical maximum.
    pub capacity: Option<(Unit, u16)>,
}

const NONE: &[&str] = &[];

pub static KINDS: &[Kind] = &[
    // ---------------------------------------------------------------- material needs: food
    Kind {
        key: "food_bank", what: "an emergency food bank", term: "mat.food.bank", also: &[],
        names: &["{place} Foodbank", "{place} & District Food Bank", "Food Bank at {venue}", "{place} Emergency Food Parcels"],
        intro: &[
            "We provide three days' nutritionally balanced emergency food to local people who are referred to us in crisis.",
            "Our food bank gives emergency food parcels to individuals and families who are struggling to afford food.",
            "Nobody in {place} should go hungry: our volunteers hand out emergency food parcels every week.",
        ],
        detail: &[
            "Parcels include tinned and dried food, toiletries and, when we have them, fresh fruit and vegetables.",
            "While you are with us, our volunteers offer a hot drink and a chat, and can put you in touch with advice on money and benefits.",
            "We can cater for special diets, halal and vegetarian food if you let us know.",
            "If you cannot get to us, we can sometimes deliver to people who are housebound.",
        ],
        access: Access::Voucher, eligibility: &["Anyone in crisis who lives locally and has a food bank voucher from a referral partner."],
        ages: (None, None), cost: Cost::Free, when: &SESSION,
        docs: &["Food bank voucher (paper or e-referral) from a referral partner"],
        capacity: Some((Unit::Parcels, 80)),
    },
    Kind {
        key: "pantry", what: "a community pantry", term: "mat.food.pantry", also: &["mat.food.bank"],
        names: &["{place} Community Pantry", "{place} Your Local Pantry", "The Pantry at {venue}", "{place} Food Club"],
        intro: &[
            "Our community pantry is a membership food club: for a small weekly fee members choose at least ten items of food, worth far more.",
            "The pantry helps local households make their money go further, with good food at a fraction of the shop price.",
        ],
        detail: &[
            "Members choose their own shopping, including fresh fruit, vegetables, bread and chilled items when available.",
            "There is no referral or voucher needed, and no limit on how long you can be a member.",
            "It is run by friendly volunteers, and there is always a cup of tea and a chat on offer.",
        ],
        access: Access::SelfRefer, eligibility: &["For households living in the {place} area. You will need to sign up as a member."],
        ages: (Some(18), None), cost: Cost::Low, when: &SESSION,
        docs: &["Proof of address (a recent letter or bill)"], capacity: Some((Unit::Places, 60)),
    },
    Kind {
        key: "community_cafe", what: "a pay-as-you-feel community café", term: "mat.food.meals", also: &["social.connection.dropin"],
        names: &["{place} Community Café", "Pay As You Feel Café at {venue}", "The Open Table, {place}", "{place} Community Kitchen"],
        intro: &[
            "A pay-as-you-feel community café serving hot meals made from surplus food that would otherwise go to waste.",
            "Pay what you can for a hot lunch made from good surplus food: our café is open to everyone, whatever their budget.",
            "Everyone is welcome to sit down together for a hot two-course meal, whatever you can afford to pay.",
            "Our community kitchen cooks and serves a hot meal for anyone who would like one, with no forms and no questions.",
        ],
        detail: &[
            "Meals are cooked fresh on the day by our volunteer chefs, with a vegetarian option every time.",
            "A community fridge by the door shares surplus food from local shops: take what you need.",
            "It is a warm, friendly place to meet people, and many of our regulars come as much for the company as the food.",
        ],
        access: Access::DropIn, eligibility: &["Everyone welcome."], ages: (None, None), cost: Cost::Donation, when: &LUNCH,
        docs: NONE, capacity: None,
    },
    Kind {
        key: "holiday_food", what: "holiday clubs with free meals for children", term: "mat.food.holiday", also: &["social.family.youth"],
        names: &["{place} Holiday Club", "Summer Fun and Food, {place}", "{place} Holiday Activities and Food"],
        intro: &[
            "Free holiday club for children and young people during the Easter, summer and Christmas school holidays, with a healthy lunch every day.",
            "Our holiday programme offers sport, crafts, cooking and trips, and a hot meal, so that no child goes hungry in the school holidays.",
        ],
        detail: &[
            "Places are free for children who receive benefits-related free school meals; other families can book at a low cost.",
            "Sessions are run by qualified youth workers and volunteers with DBS checks.",
            "Parents and carers are welcome at our family cooking sessions on Fridays.",
        ],
        access: Access::Booking, eligibility: &["Children aged 5 to 16 living or going to school in the area."], ages: (Some(5), Some(16)),
        cost: Cost::Mixed, when: &MORNING, docs: NONE, capacity: Some((Unit::Places, 40)),
    },
    // ---------------------------------------------------------------- transport
    Kind {
        key: "dial_a_ride", what: "a dial-a-ride minibus", term: "mat.transport.dial", also: &[],
        names: &["{place} Dial-a-Ride", "{place} Door to Door Minibus", "{county} Community Transport"],
        intro: &[
            "Dial-a-Ride is a door-to-door minibus service for people who find it difficult or impossible to use ordinary buses.",
            "Our accessible minibuses take members from their front door to the shops, the surgery, lunch clubs and day centres.",
        ],
        detail: &[
            "All our vehicles have wheelchair lifts, and our drivers are trained to help you on and off safely.",
            "Journeys must be booked at least a day ahead; shopping trips run to the town centre and supermarkets on set days.",
            "Members pay a small fare for each journey; concessionary bus passes are not accepted.",
        ],
        access: Access::Booking,
        eligibility: &["People of any age who have a disability or mobility difficulty, or who live where there is no regular bus, in {place} and the surrounding villages."],
        ages: (None, None), cost: Cost::Low, when: &OFFICE, docs: NONE, capacity: Some((Unit::Places, 25)),
    },
    Kind {
        key: "car_scheme", what: "a volunteer car scheme", term: "mat.transport.cars", also: &["health.ltc.selfmanagement"],
        names: &["{place} Volunteer Car Scheme", "{place} Good Neighbours Transport", "{place} Community Car Service"],
        intro: &[
            "Volunteer drivers take local people to hospital and GP appointments, the dentist, the opticians and essential shopping.",
            "Our friendly volunteer drivers use their own cars to help neighbours who have no other way to get to appointments.",
        ],
        detail: &[
            "Passengers pay a mileage contribution to cover the driver's costs, currently 45p a mile.",
            "Please give us at least three working days' notice; we will always try to help at shorter notice.",
            "Drivers can wait and bring you home, and will help you to the door of the clinic.",
        ],
        access: Access::Booking, eligibility: &["Residents of {place} and nearby villages who cannot use public transport."],
        ages: (None, None), cost: Cost::Paid, when: &OFFICE, docs: NONE, capacity: Some((Unit::Places, 20)),
    },
    // ---------------------------------------------------------------- money
    Kind {
        key: "debt_advice", what: "free debt advice", term: "mat.money.debt", also: &["mat.money.benefits"],
        names: &["{place} Debt Advice", "Money Matters, {place}", "Debt Help at {venue}", "{place} Money Advice Service"],
        intro: &[
            "Free, independent and confidential advice if you are worried about debts, arrears or bailiffs.",
            "Our qualified money advisers help you take control of debts: we look at everything you owe and everything coming in, and agree a plan with you.",
        ],
        detail: &[
            "We can talk to your creditors for you, help you apply for breathing space, and look at options like debt relief orders.",
            "Priority debts such as rent, council tax and energy arrears are dealt with first.",
            "Appointments are face to face, by phone or by video, whichever suits you best.",
            "We never judge; most of the people we see have fallen behind because of a change they could not control.",
        ],
        access: Access::SelfRefer, eligibility: &["Anyone living in {county} aged 18 or over."], ages: (Some(18), None),
        cost: Cost::Free, when: &OFFICE,
        docs: &["Any letters from creditors, bailiffs or the courts", "Recent bank statements and payslips or benefit letters"],
        capacity: Some((Unit::Appointments, 30)),
    },
    Kind {
        key: "benefits_advice", what: "benefits checks and help with claims", term: "mat.money.benefits", also: &[],
        names: &["{place} Benefits Advice", "Benefits Check at {venue}", "{place} Welfare Rights", "Claim It, {place}"],
        intro: &[
            "We check whether you are getting all the benefits you are entitled to, and help you claim them.",
            "Our welfare rights advisers help with Universal Credit, Personal Independence Payment, Pension Credit, Attendance Allowance and more.",
        ],
        detail: &[
            "We can help fill in forms, prepare for assessments, and challenge decisions at mandatory reconsideration and appeal.",
            "Many older people miss out on Pension Credit; a ten-minute check could be worth thousands of pounds a year.",
            "Home visits are available for people who cannot get to us.",
        ],
        access: Access::SelfRefer, eligibility: &["Anyone living in the area."], ages: (Some(16), None), cost: Cost::Free,
        when: &OFFICE, docs: &["Proof of identity and your National Insurance number", "Any letters about your benefits"],
        capacity: Some((Unit::Appointments, 25)),
    },
    Kind {
        key: "energy_advice", what: "energy and keep-warm advice", term: "mat.money.energy", also: &["mat.housing.repairs"],
        names: &["{place} Warm Homes Advice", "Keep Warm {place}", "{county} Energy Advice Line"],
        intro: &[
            "Free advice to help you keep warm and bring down your energy bills.",
            "Our energy advisers help households struggling with fuel bills, prepayment meters and damp, cold homes.",
        ],
        detail: &[
            "We can help you apply for grants for insulation and heating, the Warm Home Discount and energy supplier hardship funds.",
            "An adviser can visit your home to look at heating controls and simple ways to save energy.",
            "We also give out emergency fuel vouchers for prepayment meters, for people referred by a support worker.",
        ],
        access: Access::SelfRefer, eligibility: &["Households in {county}."], ages: (None, None), cost: Cost::Free,
        when: &OFFICE, docs: &["A recent energy bill"], capacity: None,
    },
    // ---------------------------------------------------------------- legal
    Kind {
        key: "legal_advice", what: "free legal advice clinics", term: "mat.legal.advice", also: &[],
        names: &["{place} Law Centre Advice Clinic", "Free Legal Advice Clinic, {place}", "{place} Legal Drop-in"],
        intro: &[
            "Free legal advice from qualified solicitors and caseworkers on employment, housing, family, community care and consumer problems.",
            "Our evening legal advice clinic, run with volunteer solicitors from local firms, offers a free 30-minute appointment.",
        ],
        detail: &[
            "Where we cannot take on your case, we will explain your options and refer you to someone who can.",
            "Legal aid may be available for some problems; we can check whether you qualify.",
            "Interpreters can be booked if you tell us the language you need when you make your appointment.",
        ],
        access: Access::Booking, eligibility: &["People who live or work in {county} and cannot afford a solicitor."],
        ages: (Some(18), None), cost: Cost::Free, when: &EVENING,
        docs: &["Any papers about your problem (letters, contracts, court papers)"], capacity: Some((Unit::Appointments, 12)),
    },
    Kind {
        key: "immigration_advice", what: "advice and support for refugees and migrants", term: "mat.legal.immigration", also: &["social.learning.english"],
        names: &["{place} Refugee and Migrant Support", "{county} Welcome Project", "Migrant Help Drop-in, {place}"],
        intro: &[
            "We welcome refugees, asylum seekers and migrants, offering regulated immigration advice and practical help to settle in.",
            "Our drop-in offers advice on immigration status, the EU Settlement Scheme, family reunion and asylum support.",
        ],
        detail: &[
            "Our advisers are regulated by the Immigration Advice Authority.",
            "We also help with registering with a GP, opening a bank account and finding English classes.",
            "Interpreters are available for Arabic, Pashto, Kurdish, Tigrinya, Ukrainian and other languages.",
        ],
        access: Access::DropIn, eligibility: &["Refugees, asylum seekers and migrants living in {county}."], ages: (None, None),
        cost: Cost::Free, when: &SESSION, docs: &["Any Home Office letters and your identity documents, if you have them"],
        capacity: None,
    },
    // ---------------------------------------------------------------- housing
    Kind {
        key: "housing_advice", what: "housing advice", term: "mat.housing.advice", also: &[],
        names: &["{place} Housing Advice", "Housing Options, {place}", "Tenants' Advice at {venue}"],
        intro: &[
            "Advice for tenants, homeowners and people looking for somewhere to live, including help if you have been told to leave your home.",
            "We help with rent arrears, disrepair, deposits, eviction notices and applying to the housing register.",
        ],
        detail: &[
            "If you have received a notice or a court letter, contact us straight away: the earlier we can help, the more we can do.",
            "We can speak to landlords and letting agents on your behalf.",
            "Appointments are available in person, by phone or by video call.",
        ],
        access: Access::SelfRefer, eligibility: &["People living in {county}."], ages: (Some(16), None), cost: Cost::Free,
        when: &OFFICE, docs: &["Your tenancy agreement and any notices from your landlord"], capacity: Some((Unit::Appointments, 20)),
    },
    Kind {
        key: "homeless_support", what: "support for people who are homeless", term: "mat.housing.homeless", also: &["mat.food.meals"],
        names: &["{place} Homeless Outreach", "The Doorway Project, {place}", "{place} Night Shelter and Day Centre"],
        intro: &[
            "A day centre for people who are homeless, sleeping rough or at risk of losing their home.",
            "Our outreach team works with people sleeping rough in and around {place}, helping them into safe accommodation.",
        ],
        detail: &[
            "We offer breakfast, showers, laundry, a postal address and access to phones and computers.",
            "A nurse from the surgery holds a clinic here each week, and a housing officer visits on Thursdays.",
            "From November to March we open a winter night shelter in partnership with local churches.",
        ],
        access: Access::DropIn, eligibility: &["Anyone who is homeless or at risk of homelessness."], ages: (Some(18), None),
        cost: Cost::Free, when: &MORNING, docs: NONE, capacity: Some((Unit::Places, 15)),
    },
    Kind {
        key: "home_repairs", what: "a handyperson and home adaptations service", term: "mat.housing.repairs", also: &["health.activity.chair"],
        names: &["{place} Handyperson Service", "Safe at Home, {place}", "{county} Home Improvement Agency"],
        intro: &[
            "Our handyperson service carries out small repairs and fits grab rails, key safes and other aids so that people can stay safe and independent at home.",
            "We help older and disabled people with home adaptations, from a rail by the front door to a level-access shower.",
        ],
        detail: &[
            "Labour is free for people over 65 or with a disability; you pay only for materials.",
            "Our staff are DBS checked and carry identification at all times.",
            "We can also help you apply for a Disabled Facilities Grant.",
        ],
        access: Access::SelfRefer, eligibility: &["Homeowners and private tenants aged 65 or over, or with a disability, living in {county}."],
        ages: (Some(18), None), cost: Cost::Mixed, when: &OFFICE, docs: NONE, capacity: Some((Unit::Appointments, 15)),
    },
    // ---------------------------------------------------------------- digital
    Kind {
        key: "digital_skills", what: "help to get online", term: "mat.digital.skills", also: &["social.learning.adult"],
        names: &["Get Online {place}", "Digital Drop-in at {venue}", "{place} Tech Help Café", "Computer Buddies, {place}"],
        intro: &[
            "Friendly one-to-one help with phones, tablets and computers, at your own pace.",
            "Bring your device and your questions: our Digital Champions help you get online, shop safely, video call family and use the NHS App.",
        ],
        detail: &[
            "We can help you set up an email account, apply for things online, and stay safe from scams.",
            "No question is too basic; many people who come have never used a computer before.",
            "Tablets are available to borrow during the session if you do not have your own.",
        ],
        access: Access::DropIn, eligibility: &["Adults who want help to get online."], ages: (Some(16), None), cost: Cost::Free,
        when: &SESSION, docs: NONE, capacity: None,
    },
    Kind {
        key: "device_lending", what: "device and data lending", term: "mat.digital.devices", also: &["mat.digital.skills"],
        names: &["{place} Device Bank", "Tablet Lending Library, {place}", "{county} Data Bank"],
        intro: &[
            "We lend tablets and laptops, and give free SIM cards with mobile data, to people who cannot afford to get online.",
            "Our device bank refurbishes donated laptops and phones and gives them to local people who need them.",
        ],
        detail: &[
            "Every device comes with a short session to help you get started.",
            "Free SIM cards with up to 24GB of data a month for six months are available through the national data bank scheme.",
            "Devices are wiped securely and set up ready to use.",
        ],
        access: Access::Referral, eligibility: &["People on a low income without a suitable device or internet at home."],
        ages: (Some(16), None), cost: Cost::Free, when: &OFFICE, docs: &["Proof of identity"], capacity: Some((Unit::Places, 20)),
    },
    // ---------------------------------------------------------------- physical activity
    Kind {
        key: "walking", what: "weekly health walks", term: "health.activity.walking", also: &["social.connection.club"],
        names: &["{place} Health Walks", "{place} Wellbeing Walk", "Strollers of {place}", "{place} Walk and Talk", "Walking for Health, {place}"],
        intro: &[
            "Free, friendly, short walks led by trained volunteers, finishing with a cuppa and a chat.",
            "Our walking group meets every week for a gentle walk of about an hour on paths and quiet lanes around {place}.",
            "Walk and talk: a relaxed walk at a comfortable pace, a good way to get more active and meet people.",
        ],
        detail: &[
            "Walks are graded and most are under three miles, on fairly level ground; nobody gets left behind.",
            "Wear comfortable shoes and bring a drink. Walking poles and dogs on leads are welcome.",
            "Every walk has a leader and a back marker, both trained in first aid.",
            "Longer countryside walks are held once a month for those who want more of a challenge.",
        ],
        access: Access::DropIn, eligibility: &["Anyone who can walk for about an hour; ask us about shorter routes."],
        ages: (None, None), cost: Cost::Free, when: &WALK, docs: NONE, capacity: None,
    },
    Kind {
        key: "exercise_class", what: "exercise classes", term: "health.activity.exercise", also: &[],
        names: &["Fit and Active, {place}", "{place} Get Moving Class", "Exercise on Referral at {venue}", "Circuits for All, {place}", "{place} Pilates for Beginners"],
        intro: &[
            "A friendly group exercise class for all abilities, led by a qualified instructor.",
            "Low-impact fitness sessions to build strength, stamina and confidence, whatever your starting point.",
            "Our exercise referral scheme offers twelve weeks of supported, supervised exercise for people with health conditions.",
        ],
        detail: &[
            "The instructor will show you easier and harder versions of every exercise.",
            "People referred by their GP or practice nurse get a one-to-one induction before joining.",
            "Wear loose clothing and trainers; mats and equipment are provided.",
        ],
        access: Access::Booking, eligibility: &["Adults of any fitness level; please tell the instructor about any health conditions."],
        ages: (Some(16), None), cost: Cost::Low, when: &CLASS, docs: NONE, capacity: Some((Unit::Places, 20)),
    },
    Kind {
        key: "chair_exercise", what: "chair-based and falls prevention exercise", term: "health.activity.chair", also: &["health.ltc.selfmanagement"],
        names: &["{place} Chair-Based Exercise", "Steady and Strong, {place}", "Sit and Be Fit, {place}", "Falls Prevention Class at {venue}"],
        intro: &[
            "Gentle seated exercise to music, to improve strength, balance and movement.",
            "A strength and balance programme proven to reduce the risk of falls, for older people who are a little unsteady on their feet.",
        ],
        detail: &[
            "Exercises can all be done sitting down or holding the back of a chair.",
            "The class is followed by tea and biscuits, and it is a lovely way to make new friends.",
            "The course runs for 24 weeks, with exercises to practise at home between sessions.",
        ],
        access: Access::SelfRefer, eligibility: &["Older adults and people with limited mobility."], ages: (Some(55), None),
        cost: Cost::Low, when: &SESSION, docs: NONE, capacity: Some((Unit::Places, 16)),
    },
    Kind {
        key: "swimming", what: "swimming and aqua sessions", term: "health.activity.swimming", also: &[],
        names: &["Quiet Swim at {venue}", "{place} Aqua Fit", "{place} Adult Swimming Lessons", "{place} Relaxed Swim"],
        intro: &[
            "A relaxed swimming session in a quieter pool, with lane ropes and a warmer water temperature.",
            "Water-based exercise is gentle on the joints and good for people with arthritis, back pain or who are recovering from injury.",
            "Adult lessons for beginners and improvers, in small groups with a patient teacher.",
        ],
        detail: &[
            "Changing rooms have accessible cubicles, and a pool hoist is available on request.",
            "Concessionary prices are available for people on benefits and those referred by a health professional.",
        ],
        access: Access::DropIn, eligibility: &["Adults. Under-16s must be accompanied."], ages: (Some(16), None),
        cost: Cost::Paid, when: &CLASS, docs: NONE, capacity: Some((Unit::Places, 30)),
    },
    Kind {
        key: "dance", what: "dance sessions", term: "health.activity.dance", also: &["social.arts.singing"],
        names: &["{place} Tea Dance", "Dance for Health, {place}", "{place} Line Dancing", "{place} Dance Fit"],
        intro: &[
            "A sociable afternoon tea dance with ballroom, Latin and sequence dancing to recorded music.",
            "Dance for wellbeing: gentle, joyful movement to music, suitable for people with Parkinson's and other conditions.",
            "Beginner-friendly dance classes; no partner or previous experience needed.",
            "Dance fitness to Latin and pop music at a gentle pace, for beginners and active older adults.",
        ],
        detail: &[
            "Tea, coffee and cake are served in the interval.",
            "You can dance seated or standing; it is about enjoying the music.",
            "Comfortable shoes with a smooth sole are best.",
        ],
        access: Access::DropIn, eligibility: &["Everyone welcome."], ages: (None, None), cost: Cost::Low, when: &SESSION_ANY,
        docs: NONE, capacity: None,
    },
    // ---------------------------------------------------------------- healthy eating, smoking, alcohol and drugs
    Kind {
        key: "cooking", what: "cookery courses", term: "health.eating.cooking", also: &["mat.food.meals"],
        names: &["Cook and Eat, {place}", "{place} Cooking on a Budget", "Family Cookery Club at {venue}", "Eat Well for Less, {place}"],
        intro: &[
            "A six-week practical course to learn to cook simple, healthy meals on a budget.",
            "Cook together, then sit down and eat together: our friendly cookery sessions build skills and confidence in the kitchen.",
        ],
        detail: &[
            "Each week you take home the recipe and the ingredients to make it again.",
            "We cover planning meals, reading food labels and using a slow cooker or air fryer to save energy.",
            "All ingredients are provided; please tell us about allergies.",
        ],
        access: Access::Booking, eligibility: &["Adults; families with children aged 5 and over at the family sessions."],
        ages: (None, None), cost: Cost::Free, when: &SESSION, docs: NONE, capacity: Some((Unit::Places, 10)),
    },
    Kind {
        key: "weight", what: "a healthy weight programme", term: "health.eating.weight", also: &["health.activity.exercise"],
        names: &["{place} Healthy Lifestyles Programme", "Weigh Ahead, {place}", "{county} Adult Weight Management Service"],
        intro: &[
            "A free twelve-week programme to help you eat well, move more and lose weight at a healthy pace.",
            "Supportive group sessions with a dietitian and physical activity specialist, for adults who want to reach a healthier weight.",
        ],
        detail: &[
            "Every session includes a private weigh-in, a practical topic and time to share tips with the group.",
            "After the programme you can keep coming to a monthly maintenance group.",
        ],
        access: Access::Referral, eligibility: &["Adults with a body mass index of 30 or more (27.5 or more for some ethnic groups)."],
        ages: (Some(18), None), cost: Cost::Free, when: &EVENING, docs: NONE, capacity: Some((Unit::Places, 15)),
    },
    Kind {
        key: "stop_smoking", what: "stop smoking support", term: "health.smoking.stop", also: &[],
        names: &["Smokefree {county}", "{place} Stop Smoking Clinic", "Quit Smoking Support at {venue}"],
        intro: &[
            "Free support to stop smoking from trained advisers, with stop smoking aids including vapes and nicotine replacement.",
            "You are three times more likely to quit with support: our advisers see you each week for the first twelve weeks.",
        ],
        detail: &[
            "Appointments are in clinics, by phone or by video call.",
            "Pregnant women and their partners get extra support and vouchers.",
            "We measure carbon monoxide at each visit so you can see the difference stopping makes.",
        ],
        access: Access::SelfRefer, eligibility: &["People who smoke and live or are registered with a GP in {county}."],
        ages: (Some(12), None), cost: Cost::Free, when: &CLINIC, docs: NONE, capacity: Some((Unit::Appointments, 40)),
    },
    Kind {
        key: "alcohol", what: "alcohol support and recovery groups", term: "health.substance.alcohol", also: &["health.mental.peer"],
        names: &["{place} Alcohol Support", "Mutual Aid Recovery Meeting, {place}", "{place} Recovery Café", "Drink Less, {place}"],
        intro: &[
            "Confidential support if you are worried about your drinking, whether you want to cut down or stop.",
            "A weekly mutual aid meeting for people in recovery from alcohol or drug use, using practical, evidence-based tools.",
            "Our recovery café is a safe, alcohol-free space to meet others in recovery, with food, activities and peer support.",
        ],
        detail: &[
            "We can arrange a medically supervised detox where that is needed.",
            "Family members and friends affected by someone's drinking can get support too.",
            "Meetings are facilitated by trained volunteers who have been through recovery themselves.",
        ],
        access: Access::SelfRefer, eligibility: &["Adults affected by alcohol, and their families."], ages: (Some(18), None),
        cost: Cost::Free, when: &EVENING, docs: NONE, capacity: None,
    },
    Kind {
        key: "drugs", what: "drug treatment and harm reduction", term: "health.substance.drugs", also: &[],
        names: &["{county} Drug and Alcohol Service, {place} hub", "Harm Reduction Drop-in, {place}", "{place} Needle Exchange and Harm Reduction"],
        intro: &[
            "Free, confidential treatment and recovery support for anyone worried about their drug use.",
            "Our harm reduction service offers clean equipment, naloxone, testing for blood-borne viruses and advice, without judgement.",
        ],
        detail: &[
            "Each person has a key worker and a recovery plan agreed with them.",
            "Substitute prescribing is available after an assessment with our clinical team.",
        ],
        access: Access::SelfRefer, eligibility: &["Adults living in {county}. Under-18s are seen by our young people's team."],
        ages: (Some(18), None), cost: Cost::Free, when: &OFFICE, docs: NONE, capacity: Some((Unit::Appointments, 30)),
    },
    // ---------------------------------------------------------------- long-term conditions
    Kind {
        key: "self_management", what: "self-management courses for long-term conditions", term: "health.ltc.selfmanagement", also: &["health.mental.wellbeing"],
        names: &["Living Well with a Long-Term Condition, {place}", "{county} Self-Management Course", "Pain Toolkit Course at {venue}"],
        intro: &[
            "A free six-week course for people living with any long-term health condition, such as arthritis, diabetes, chronic pain or fatigue.",
            "Learn practical ways to manage pain, tiredness, low mood and medication, with others who understand.",
        ],
        detail: &[
            "The course is led by trained tutors who live with long-term conditions themselves.",
            "Carers and family members are welcome to come too.",
            "Sessions last two and a half hours, with a break.",
        ],
        access: Access::SelfRefer, eligibility: &["Adults living with a long-term health condition."], ages: (Some(18), None),
        cost: Cost::Free, when: &SESSION, docs: NONE, capacity: Some((Unit::Places, 14)),
    },
    Kind {
        key: "diabetes", what: "a diabetes support group", term: "health.ltc.diabetes", also: &["health.eating.weight"],
        names: &["{place} Diabetes Support Group", "Diabetes Education Course, {place}", "Type 2 Together, {place}"],
        intro: &[
            "A friendly support group for people living with diabetes, their families and carers.",
            "A structured education course for people with type 2 diabetes, to understand the condition and how food and activity affect it.",
        ],
        detail: &[
            "Each meeting has a guest speaker, such as a podiatrist, dietitian or diabetes nurse.",
            "It is a chance to share experiences and tips over a cup of tea.",
        ],
        access: Access::DropIn, eligibility: &["People with diabetes and those who care for them."], ages: (None, None),
        cost: Cost::Free, when: &EVENING, docs: NONE, capacity: None,
    },
    Kind {
        key: "breathing", what: "lung health groups", term: "health.ltc.breathing", also: &["social.arts.singing"],
        names: &["{place} Better Breathing Group", "Singing for Lung Health, {place}", "Pulmonary Rehabilitation at {venue}"],
        intro: &[
            "A support group for people living with COPD and other lung conditions, and their families.",
            "Singing for lung health: breathing exercises and songs that help you control your breathing and feel less breathless.",
            "A six-week exercise and education programme for people with lung conditions, run by specialist physiotherapists.",
        ],
        detail: &[
            "Gentle exercise is followed by a talk and a social cup of tea.",
            "Portable oxygen users are very welcome; the venue is step-free.",
        ],
        access: Access::SelfRefer, eligibility: &["People living with a lung condition."], ages: (Some(18), None),
        cost: Cost::Free, when: &SESSION, docs: NONE, capacity: Some((Unit::Places, 16)),
    },
    Kind {
        key: "heart", what: "heart and stroke support", term: "health.ltc.heart", also: &["health.activity.exercise"],
        names: &["{place} Heart Support Group", "{place} Stroke Club", "Cardiac Rehabilitation Phase IV at {venue}"],
        intro: &[
            "A friendly group for people who have had a heart attack, heart surgery or live with a heart condition, and their partners.",
            "Our stroke club offers company, activities and support for stroke survivors and their carers.",
            "Supervised exercise classes for people who have completed hospital cardiac rehabilitation.",
        ],
        detail: &[
            "Transport can be arranged for members who cannot drive.",
            "Instructors are qualified in cardiac rehabilitation exercise.",
            "We have regular outings and a Christmas lunch.",
        ],
        access: Access::SelfRefer, eligibility: &["People with heart conditions or who have had a stroke, and their carers."],
        ages: (Some(18), None), cost: Cost::Low, when: &SESSION, docs: NONE, capacity: None,
    },
    Kind {
        key: "dementia", what: "a memory café", term: "health.ltc.dementia", also: &["social.family.carers"],
        names: &["{place} Memory Café", "Forget Me Not Club, {place}", "{place} Dementia Café", "Music and Memories at {venue}"],
        intro: &[
            "A relaxed, welcoming café for people living with dementia or memory problems and the people who care for them.",
            "Activities, music and reminiscence in a friendly setting where nobody needs to explain themselves.",
        ],
        detail: &[
            "A dementia adviser attends most sessions and can answer questions in private.",
            "Carers can meet others in the same situation while their loved one takes part in activities.",
            "The venue is dementia friendly, with clear signs and quiet spaces.",
        ],
        access: Access::DropIn, eligibility: &["People with dementia or memory worries, with their family or carers."],
        ages: (None, None), cost: Cost::Donation, when: &SESSION, docs: NONE, capacity: None,
    },
    // ---------------------------------------------------------------- mental health
    Kind {
        key: "talking_therapy", what: "talking therapies", term: "health.mental.therapy", also: &[],
        names: &["{county} Talking Therapies", "{place} Counselling Service", "Community Counselling at {venue}"],
        intro: &[
            "Free NHS talking therapies for adults with common mental health problems such as anxiety, depression, stress and trauma.",
            "Our qualified counsellors offer short-term counselling in a safe, confidential space.",
            "Free short-term counselling from qualified volunteer counsellors, for adults going through a difficult time.",
        ],
        detail: &[
            "Therapy is offered one to one, in groups, by phone, by video or online.",
            "You can refer yourself online or by phone; you do not need to see your GP first.",
            "There is sometimes a wait for one-to-one therapy; we will offer you support while you wait.",
        ],
        access: Access::SelfRefer, eligibility: &["Adults registered with a GP in {county}. This is not a crisis service."],
        ages: (Some(18), None), cost: Cost::Free, when: &OFFICE, docs: NONE, capacity: Some((Unit::Appointments, 50)),
    },
    Kind {
        key: "peer_support", what: "mental health peer support groups", term: "health.mental.peer", also: &["social.connection.club"],
        names: &["{place} Mental Health Peer Support Group", "Men's Talking Group, {place}", "Hearts and Minds, {place}", "{place} Anxiety Support Group"],
        intro: &[
            "A peer support group for anyone struggling with their mental health: a safe place to talk and to listen.",
            "Run by people with lived experience of mental ill health, our groups offer understanding, hope and practical tips.",
        ],
        detail: &[
            "You do not have to talk if you don't want to; many people just listen at first.",
            "What is said in the group stays in the group.",
            "Groups are facilitated by trained peer support workers.",
        ],
        access: Access::DropIn, eligibility: &["Adults experiencing mental health difficulties."], ages: (Some(18), None),
        cost: Cost::Free, when: &EVENING, docs: NONE, capacity: None,
    },
    Kind {
        key: "wellbeing_course", what: "wellbeing courses", term: "health.mental.wellbeing", also: &["social.learning.adult"],
        names: &["{place} Wellbeing College", "Mindfulness for Beginners, {place}", "Managing Stress Course at {venue}", "Mindful Moments, {place}"],
        intro: &[
            "Free courses and workshops to help you understand and look after your mental wellbeing.",
            "An eight-week introduction to mindfulness: simple practices to calm the mind and cope with stress.",
        ],
        detail: &[
            "Courses are co-designed and co-delivered by people with lived experience and professionals.",
            "Topics include sleep, managing anxiety, building confidence and five ways to wellbeing.",
        ],
        access: Access::Booking, eligibility: &["Adults aged 18 and over."], ages: (Some(18), None), cost: Cost::Mixed,
        when: &SESSION_ANY, docs: NONE, capacity: Some((Unit::Places, 16)),
    },
    // ---------------------------------------------------------------- social connection
    Kind {
        key: "befriending", what: "befriending", term: "social.connection.befriending", also: &[],
        names: &["{place} Befriending Service", "Telephone Friends, {place}", "{place} Good Neighbours"],
        intro: &[
            "A volunteer befriender visits or phones every week for a chat, company and a friendly ear.",
            "Our befriending service matches people who feel lonely or isolated with a volunteer who shares their interests.",
        ],
        detail: &[
            "Befrienders can also go with you to a local group or activity until you feel confident to go alone.",
            "All volunteers are trained and DBS checked.",
            "Telephone befriending is available for people who prefer it.",
        ],
        access: Access::Referral, eligibility: &["Older people and adults who are lonely or isolated."], ages: (Some(18), None),
        cost: Cost::Free, when: &OFFICE, docs: NONE, capacity: Some((Unit::Places, 30)),
    },
    Kind {
        key: "lunch_club", what: "a lunch club", term: "social.connection.lunch", also: &["mat.food.meals"],
        names: &["{place} Lunch Club", "Friendship Lunch at {venue}", "{place} Over-60s Luncheon Club", "Tuesday Lunch Club, {place}"],
        intro: &[
            "A two-course hot lunch with good company, followed by a quiz, bingo or a speaker.",
            "Our lunch club is a warm welcome, a proper home-cooked meal and a chance to make friends.",
        ],
        detail: &[
            "Special diets can be catered for with notice.",
            "Transport can be arranged for members who cannot get here on their own.",
            "Birthdays are always celebrated with a cake.",
        ],
        access: Access::Booking, eligibility: &["Older people living in {place} and nearby."], ages: (Some(60), None),
        cost: Cost::Low, when: &LUNCH, docs: NONE, capacity: Some((Unit::Places, 30)),
    },
    Kind {
        key: "coffee_morning", what: "a coffee morning and warm space", term: "social.connection.dropin", also: &["social.connection.club"],
        names: &["{place} Coffee Morning", "Warm Space at {venue}", "{place} Community Drop-in", "Chatty Café, {place}"],
        intro: &[
            "A warm, welcoming space to have a hot drink, something to eat and a chat.",
            "Drop in for a coffee, cake and company; everyone is welcome, whoever you are.",
        ],
        detail: &[
            "There are newspapers, board games, jigsaws and free wifi.",
            "Someone is always on hand to help you find information about other local groups and services.",
            "Phone charging is available, and there is a quiet area if you prefer.",
        ],
        access: Access::DropIn, eligibility: &["Everyone welcome."], ages: (None, None), cost: Cost::Donation, when: &MORNING,
        docs: NONE, capacity: None,
    },
    Kind {
        key: "mens_shed", what: "a community workshop", term: "social.connection.shed", also: &["social.arts.crafts"],
        names: &["{place} Men's Shed", "{place} Community Shed", "{place} Repair and Make Shed"],
        intro: &[
            "A community workshop where people make, mend and learn woodwork and metalwork, share skills and make friends.",
            "Our shed is a place to work shoulder to shoulder on practical projects, from bird boxes to restoring benches for the parish.",
        ],
        detail: &[
            "All tools are provided, and experienced members show newcomers how to use them safely.",
            "The kettle is always on; some members come mainly for the company and the banter.",
            "Women are welcome too at our mixed sessions.",
        ],
        access: Access::DropIn, eligibility: &["Adults; most members are retired but all ages are welcome."], ages: (Some(18), None),
        cost: Cost::Low, when: &MORNING, docs: NONE, capacity: None,
    },
    Kind {
        key: "social_club", what: "a friendship club", term: "social.connection.club", also: &[],
        names: &["{place} Friendship Club", "{place} Women's Group", "{place} Over-50s Club", "Monday Club, {place}", "{place} Community Association Social"],
        intro: &[
            "A friendly social club with talks, outings, games and a cup of tea.",
            "We meet to chat, share skills and enjoy each other's company, with a programme of speakers, crafts and trips.",
        ],
        detail: &[
            "New members are always welcome; you will be greeted at the door.",
            "We organise summer outings, a Christmas meal and occasional theatre trips.",
        ],
        access: Access::DropIn, eligibility: &["Everyone welcome."], ages: (Some(18), None), cost: Cost::Low, when: &SESSION_ANY,
        docs: NONE, capacity: None,
    },
    // ---------------------------------------------------------------- arts and culture
    Kind {
        key: "choir", what: "a community choir", term: "social.arts.singing", also: &["health.mental.wellbeing"],
        names: &["{place} Community Choir", "Sing for Joy, {place}", "{place} Singing for Wellbeing", "{place} Pop Choir"],
        intro: &[
            "A friendly, non-auditioned community choir singing pop, folk, gospel and musicals.",
            "Singing together lifts the spirits: no experience and no need to read music, just come and sing.",
        ],
        detail: &[
            "Songs are taught by ear, and we perform at local events a few times a year (if you want to).",
            "Refreshments are served at half time.",
            "Your first two sessions are a free taster.",
        ],
        access: Access::DropIn, eligibility: &["Anyone who loves to sing."], ages: (Some(16), None), cost: Cost::Low, when: &EVENING,
        docs: NONE, capacity: None,
    },
    Kind {
        key: "art_group", what: "an art group", term: "social.arts.art", also: &["health.mental.wellbeing"],
        names: &["{place} Art Group", "Arts on Prescription, {place}", "Open Studio at {venue}", "Creative Minds, {place}"],
        intro: &[
            "A relaxed art group for painters and drawers of every level, from complete beginners to experienced artists.",
            "Arts on prescription: a ten-week creative course led by professional artists, for people with low mood, anxiety or isolation.",
        ],
        detail: &[
            "Materials are provided, and there is no pressure to produce a masterpiece.",
            "We exhibit work at the library each summer.",
            "Each session has a gentle theme or demonstration, then time to work on your own project.",
        ],
        access: Access::DropIn, eligibility: &["Adults of all abilities."], ages: (Some(18), None), cost: Cost::Low, when: &SESSION,
        docs: NONE, capacity: Some((Unit::Places, 14)),
    },
    Kind {
        key: "crafts", what: "craft groups", term: "social.arts.crafts", also: &["social.connection.club"],
        names: &["{place} Knit and Natter", "Stitch and Chat at {venue}", "{place} Craft Club"],
        intro: &[
            "Bring your knitting, crochet or sewing, or learn something new, in good company.",
            "A relaxed sewing and stitching group: bring a project or borrow one of our machines.",
            "Crafts of every kind in good company: knitting, card making, sewing, quilting and more.",
        ],
        detail: &[
            "Wool and needles are available if you are just starting out.",
            "We knit for the hospital baby unit and for charity.",
            "Refreshments are available while you wait.",
        ],
        access: Access::DropIn, eligibility: &["Everyone welcome."], ages: (None, None), cost: Cost::Donation, when: &SESSION,
        docs: NONE, capacity: None,
    },
    Kind {
        key: "reading_group", what: "reading and writing groups", term: "social.arts.reading", also: &["social.learning.adult"],
        names: &["{place} Reading Group", "{place} Creative Writing Circle", "Shared Reading at {venue}"],
        intro: &[
            "A shared reading group: short stories and poems are read aloud and talked about, with no need to read in advance.",
            "A friendly writing group for anyone who enjoys writing, from memoirs to poetry.",
        ],
        detail: &[
            "Everything you need is provided free by the library.",
            "It is relaxed and informal, and there are no wrong answers.",
        ],
        access: Access::DropIn, eligibility: &["Adults."], ages: (Some(16), None), cost: Cost::Free, when: &SESSION, docs: NONE,
        capacity: None,
    },
    Kind {
        key: "heritage", what: "local history and heritage activities", term: "social.arts.heritage", also: &["social.volunteering.roles"],
        names: &["{place} Local History Society", "{place} Museum Volunteers", "Heritage Open Days Team, {place}", "{place} Heritage Trail Volunteers"],
        intro: &[
            "Discover the history of {place} through talks, archives, old photographs and guided walks.",
            "Volunteers help care for the museum collection, welcome visitors and research local stories.",
        ],
        detail: &[
            "No experience needed; full training is given.",
            "Our reminiscence sessions use objects and photographs to spark memories and conversation.",
        ],
        access: Access::SelfRefer, eligibility: &["Anyone with an interest in local history."], ages: (Some(16), None),
        cost: Cost::Low, when: &SESSION, docs: NONE, capacity: Some((Unit::Volunteers, 12)),
    },
    // ---------------------------------------------------------------- nature
    Kind {
        key: "gardening", what: "community gardening", term: "social.nature.gardening", also: &["health.activity.exercise"],
        names: &["{place} Community Garden", "Therapeutic Gardening at {venue}", "{place} Allotment Project", "Growing Together, {place}"],
        intro: &[
            "A community garden where people grow fruit, vegetables and flowers together, whatever their experience.",
            "Therapeutic horticulture sessions for people recovering from ill health, living with disability or feeling isolated.",
        ],
        detail: &[
            "Tools, gloves and waterproofs are provided, and there are raised beds for people who cannot kneel.",
            "We share the harvest and cook together in our outdoor kitchen in summer.",
            "Sessions go ahead in most weather; there is a polytunnel and a cabin with a kettle.",
        ],
        access: Access::SelfRefer, eligibility: &["Adults of all abilities."], ages: (Some(16), None), cost: Cost::Free,
        when: &MORNING, docs: NONE, capacity: Some((Unit::Places, 15)),
    },
    Kind {
        key: "green_gym", what: "green gym and conservation sessions", term: "social.nature.greengym", also: &["health.activity.exercise", "social.volunteering.roles"],
        names: &["{place} Green Gym", "{place} Conservation Volunteers", "Wild Workout, {place}", "Friends of {place} Country Park"],
        intro: &[
            "Get fit outdoors while improving local green spaces: hedge laying, tree planting, path clearing and pond work.",
            "Our practical conservation volunteers care for nature reserves and green spaces in and around {place}.",
        ],
        detail: &[
            "Sessions start with a warm-up and end with a cool-down, tea and biscuits.",
            "Tools, gloves and training are provided; wear old clothes and sturdy boots.",
        ],
        access: Access::DropIn, eligibility: &["Adults; under-18s with a parent or guardian."], ages: (Some(16), None),
        cost: Cost::Free, when: &WALK, docs: NONE, capacity: None,
    },
    Kind {
        key: "nature_walks", what: "guided nature walks", term: "social.nature.walks", also: &["health.activity.walking"],
        names: &["{place} Nature Walks", "Forest Bathing at {place} Woods", "Wild {place} Guided Walks", "Mindful Walk, {place}"],
        intro: &[
            "Gentle guided walks to discover the wildlife and wild places on our doorstep.",
            "A slow, mindful walk in the woods, noticing the sights, sounds and smells of nature.",
        ],
        detail: &[
            "Binoculars and identification guides can be borrowed.",
            "Routes are mostly on level paths; some can be muddy in winter.",
        ],
        access: Access::Booking, eligibility: &["Everyone welcome; children must be accompanied."], ages: (None, None),
        cost: Cost::Mixed, when: &WALK, docs: NONE, capacity: Some((Unit::Places, 15)),
    },
    // ---------------------------------------------------------------- volunteering
    Kind {
        key: "volunteering", what: "volunteering opportunities", term: "social.volunteering.roles", also: &[],
        names: &["Volunteer with {place} Community Action", "{place} Volunteer Centre", "{place} Volunteering Drop-in"],
        intro: &[
            "We help people find a volunteer role that suits their interests, skills and the time they have.",
            "Volunteering is a great way to meet people, learn new skills and feel part of your community.",
        ],
        detail: &[
            "We have hundreds of opportunities, from driving and gardening to befriending, admin and charity shops.",
            "Our supported volunteering scheme helps people who need extra help to get started, including a buddy for the first few sessions.",
        ],
        access: Access::SelfRefer, eligibility: &["Anyone aged 16 or over."], ages: (Some(16), None), cost: Cost::Free,
        when: &OFFICE, docs: NONE, capacity: Some((Unit::Volunteers, 40)),
    },
    // ---------------------------------------------------------------- learning and work
    Kind {
        key: "job_skills", what: "job clubs and employment support", term: "social.learning.jobs", also: &[],
        names: &["{place} Job Club", "Work Ready, {place}", "Employment Support at {venue}", "{place} Skills and Jobs Hub"],
        intro: &[
            "Help to find work: CVs, job searching, application forms and interview practice.",
            "One-to-one employment support for people who are out of work because of a health condition or disability.",
        ],
        detail: &[
            "Computers and printing are free to use for job searching.",
            "We can help with the cost of interview clothes and travel to your first weeks of work.",
            "Local employers visit regularly with vacancies.",
        ],
        access: Access::DropIn, eligibility: &["Adults who are looking for work."], ages: (Some(16), None), cost: Cost::Free,
        when: &SESSION, docs: NONE, capacity: Some((Unit::Places, 20)),
    },
    Kind {
        key: "adult_learning", what: "adult learning courses", term: "social.learning.adult", also: &[],
        names: &["{county} Adult Learning, {place}", "{place} Later Life Learning", "Learn for Fun at {venue}", "{place} Learning Exchange"],
        intro: &[
            "Part-time courses for adults: English and maths, computing, languages, arts and crafts, and wellbeing.",
            "A self-help learning group for people no longer in full-time work, sharing interests from languages to local history.",
        ],
        detail: &[
            "Many courses are free if you are on a low income or do not yet have a GCSE in English or maths.",
            "Classes are small and friendly, and tutors go at the pace of the group.",
        ],
        access: Access::Booking, eligibility: &["Adults aged 19 and over."], ages: (Some(19), None), cost: Cost::Mixed,
        when: &SESSION_ANY, docs: &["Proof of identity and, for free courses, proof of benefits"], capacity: Some((Unit::Places, 14)),
    },
    Kind {
        key: "english", what: "English classes and conversation clubs", term: "social.learning.english", also: &["social.learning.adult"],
        names: &["ESOL Classes at {venue}", "{place} English Conversation Club", "Learn English, {place}", "Talk English Café, {place}"],
        intro: &[
            "Free English classes for speakers of other languages, from beginners to intermediate.",
            "An informal English conversation club to practise speaking and make new friends.",
        ],
        detail: &[
            "Childcare is available at the morning classes.",
            "Volunteers help with everyday English: the doctor, the bank, school letters and shopping.",
        ],
        access: Access::DropIn, eligibility: &["Adults whose first language is not English."], ages: (Some(16), None),
        cost: Cost::Free, when: &SESSION, docs: NONE, capacity: Some((Unit::Places, 20)),
    },
    // ---------------------------------------------------------------- family and carers
    Kind {
        key: "carers", what: "support for unpaid carers", term: "social.family.carers", also: &[],
        names: &["{place} Carers' Group", "Carers' Café at {venue}", "{county} Carers Network, {place}", "{place} Carers' Coffee Morning"],
        intro: &[
            "Support for unpaid carers: anyone who looks after a family member, partner or friend who could not manage without them.",
            "A monthly carers' café to relax, share experiences and get information, with a carers' support worker on hand.",
        ],
        detail: &[
            "We can help with a carer's assessment, breaks, benefits and planning for emergencies.",
            "Sitting services can be arranged so that you can attend.",
            "Our young carers' clubs give children who care for someone time to have fun.",
        ],
        access: Access::SelfRefer, eligibility: &["Unpaid carers of any age."], ages: (None, None), cost: Cost::Free, when: &SESSION,
        docs: NONE, capacity: None,
    },
    Kind {
        key: "toddler", what: "a parent and toddler group", term: "social.family.toddler", also: &[],
        names: &["{place} Parent and Toddler Group", "Little Acorns, {place}", "Rhyme Time at {venue}", "{place} Stay and Play", "Bumps and Babies, {place}"],
        intro: &[
            "A friendly stay and play session for babies, toddlers and their parents, grandparents and carers.",
            "Songs, stories and rhymes for under-fives and the grown-ups who look after them.",
        ],
        detail: &[
            "Toys, crafts and a healthy snack for the children; tea and coffee for the adults.",
            "A health visitor drops in once a month.",
            "Dads, grandparents and childminders are all very welcome.",
        ],
        access: Access::DropIn, eligibility: &["Children under 5 with a parent or carer."], ages: (Some(0), Some(5)),
        cost: Cost::Low, when: &MORNING, docs: NONE, capacity: None,
    },
    Kind {
        key: "youth_club", what: "youth clubs", term: "social.family.youth", also: &["health.mental.wellbeing"],
        names: &["{place} Youth Club", "{place} Youth Café", "The Hub Youth Project, {place}", "{place} Junior Youth Club"],
        intro: &[
            "A safe, fun place for young people to hang out, try new things and talk to trusted youth workers.",
            "Our youth club offers sport, music, cooking, games, trips and a quiet space to do homework.",
        ],
        detail: &[
            "Young people help plan the programme.",
            "Youth workers can talk about anything, from school stress to relationships, in confidence.",
            "Free healthy snacks at every session.",
        ],
        access: Access::DropIn, eligibility: &["Young people aged 11 to 18 (up to 25 with special educational needs)."],
        ages: (Some(11), Some(18)), cost: Cost::Low, when: &YOUTH, docs: NONE, capacity: Some((Unit::Places, 40)),
    },
    // ---------------------------------------------------------------- bereavement
    Kind {
        key: "bereavement", what: "bereavement support", term: "social.bereavement.support", also: &["health.mental.peer"],
        names: &["{place} Bereavement Support", "{place} Bereavement Café", "Walking Through Grief, {place}", "{county} Bereavement Counselling"],
        intro: &[
            "Support for anyone who has been bereaved, however long ago and whatever the circumstances.",
            "A bereavement café: a gentle, informal place to talk to others who understand, over a cup of tea.",
            "A gentle monthly walk for people who have been bereaved, to talk, or simply walk, alongside others who understand.",
        ],
        detail: &[
            "Trained bereavement volunteers offer one-to-one support at home, by phone or at our centre.",
            "Our monthly grief walk is a chance to talk, or simply walk, alongside others.",
            "Children and young people are supported by our specialist team.",
        ],
        access: Access::SelfRefer, eligibility: &["Anyone affected by bereavement."], ages: (None, None), cost: Cost::Free,
        when: &SESSION, docs: NONE, capacity: Some((Unit::Places, 12)),
    },
];

pub fn kind(key: &str) -> &'static Kind {
    KINDS.iter().find(|k| k.key == key).unwrap_or_else(|| panic!("no service kind {key}"))
}

/// How to get in, in words.
pub fn access_text(a: Access) -> &'static [&'static str] {
    match a {
        Access::DropIn => &[
            "Just come along; there is no need to book. A volunteer will welcome you at the door.",
            "Drop in at any time during the session. If you would like someone to meet you on your first visit, ring us beforehand.",
            "No referral needed: come along on the day. Link workers are welcome to come with you the first time.",
        ],
        Access::SelfRefer => &[
            "Refer yourself by phone or email, or ask your GP, link worker or support worker to refer you. We will call you back within five working days.",
            "Get in touch by phone, email or the form on our website and we will arrange a first chat.",
            "You can refer yourself, or be referred by a professional. After a short assessment call we will agree with you what would help.",
        ],
        Access::Referral => &[
            "By referral from a GP, social prescribing link worker, social worker or other professional. Referrals by email or the online form.",
            "Referral needed: ask your link worker or GP practice to refer you. We contact everyone referred within a week.",
        ],
        Access::Booking => &[
            "Booking essential: phone or email us to reserve a place.",
            "Places are limited, so please book ahead by phone or online. You can join a waiting list if the session is full.",
        ],
        Access::Voucher => &[
            "You need a food bank voucher. Vouchers are issued by referral partners including GP practices, the advice centre, children's centres, schools and social prescribing link workers.",
            "Bring your voucher to any of our sessions. If you do not have a voucher, come anyway and we will help you get one.",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::{term, TERMS};

    #[test]
    fn every_leaf_term_has_a_kind_and_every_kind_a_real_term() {
        for k in KINDS {
            term(k.term);
            for t in k.also {
                term(t);
            }
            assert!(!k.names.is_empty() && !k.intro.is_empty() && !k.detail.is_empty(), "{}", k.key);
        }
        for t in TERMS.iter().filter(|t| t.code.matches('.').count() == 2) {
            assert!(KINDS.iter().any(|k| k.term == t.code), "no kind for {}", t.code);
        }
    }
}
