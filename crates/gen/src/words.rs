//! Small vocabularies: streets, people, place-name parts, access notes, languages and funders.
//! All invented or generic; nothing is read at run time.

pub const STREETS: &[&str] = &[
    "High Street", "Church Street", "Station Road", "Mill Lane", "Market Place", "Victoria Road", "Queen Street",
    "Park Road", "Chapel Lane", "London Road", "Orchard Close", "Brook Street", "Meadow Way", "Elm Grove",
    "Oak Avenue", "Castle Street", "Bridge Street", "West Street", "North Road", "School Lane", "The Green",
    "Sheep Street", "Kings Road", "Albert Street", "Manor Road", "Willow Walk", "Abbey Road", "Granary Lane",
    "Tanners Row", "Cornmarket", "Priory Road", "Nightingale Way", "Ash Close", "Hawthorn Road", "Fairfield Road",
    "Coronation Avenue", "Wharf Road", "Beech Crescent", "Spring Lane", "Hollow Lane",
];

pub const FIRST_NAMES: &[&str] = &[
    "Sarah", "James", "Helen", "David", "Priya", "Tom", "Aisha", "Mark", "Joanne", "Gareth", "Agnieszka", "Imran",
    "Ruth", "Peter", "Fatima", "Ian", "Claire", "Marek", "Nasreen", "Steve", "Emma", "Kwame", "Lucy", "Raj", "Bev",
    "Ahmed", "Karen", "Chloe", "Dave", "Mihaela", "Somchai", "Gill", "Rob", "Shabana", "Liz", "Andy", "Jenny",
    "Olu", "Paul", "Sue",
];

pub const SURNAMES: &[&str] = &[
    "Smith", "Patel", "Jones", "Taylor", "Khan", "Brown", "Williams", "Kowalski", "Wilson", "Ahmed", "Evans",
    "Thomas", "Begum", "Roberts", "Walker", "Wright", "Hussain", "Green", "Hall", "Wood", "Nowak", "Clarke",
    "Hughes", "Edwards", "Popescu", "Turner", "Hill", "Mensah", "Cooper", "Ward", "Baker", "Phillips",
    "Chowdhury", "Fletcher", "Harris", "Singh", "Mason", "Shaw", "Lloyd", "Bennett",
];

pub const CONTACT_TITLES: &[&str] = &[
    "Volunteer coordinator", "Project manager", "Service manager", "Group leader", "Community development worker",
    "Referrals coordinator", "Chair", "Secretary", "Outreach worker", "Activities coordinator",
];

/// Town-name parts for synthetic regions; combined they give a few thousand English-sounding
/// names, of which only some will be real places.
pub const TOWN_STARTS: &[&str] = &[
    "Ash", "Brad", "Cold", "Hen", "Wal", "Stan", "Kings", "Thorn", "Bram", "Hart", "Lang", "Mel", "Nor", "Ox",
    "Rad", "Shel", "Tad", "Wick", "Ald", "Bur", "Chal", "Dun", "Elm", "Fen", "Gos", "Hol", "Ken", "Lin", "Mar",
    "Ned", "Pen", "Ros", "Sal", "Thur", "Up", "Whit", "Yar", "Birch", "Cran", "Dray", "Eas", "Fox", "Grey",
    "Hay", "Kel", "Lox", "Moor", "Oak", "Pid", "Rush", "Sand", "Stock", "Wel",
];

pub const TOWN_ENDS: &[&str] = &[
    "ford", "ley", "bury", "ton", "wick", "field", "bridge", "minster", "thorpe", "ham", "borough", "well",
    "worth", "stead", "combe", "mere", "by", "dale", "hurst", "cote", "den", "holme", "stow", "wood",
];

/// Prefixes that make a village of a town's name ("Little Ashford").
pub const VILLAGE_PREFIXES: &[&str] = &["Little", "Great", "Upper", "Lower", "East", "West", "North", "South", "Nether", "Long"];

/// Accessibility of a site: description and details; the last ones are not step-free.
pub const ACCESS_GOOD: &[(&str, &str)] = &[
    ("Step-free access throughout, with an accessible toilet.", "Level entrance from the car park; blue badge spaces by the door."),
    ("Wheelchair accessible: ramp at the main entrance and a lift to all floors.", "Hearing loop at reception and in the main hall. Accessible toilet on the ground floor."),
    ("Step-free entrance and accessible toilet; hearing loop installed.", "Automatic doors. Quiet room available on request."),
    ("Ground floor, step-free access.", "Accessible toilet with grab rails. Assistance dogs welcome."),
    ("Fully accessible building with a lift, hearing loop and accessible toilet.", "Changing Places toilet with hoist and adult-sized changing bench."),
    ("Step-free access via the side entrance (signposted).", "Accessible toilet; large-print information available."),
];

pub const ACCESS_POOR: &[(&str, &str)] = &[
    ("Stairs only, no lift: the room is on the first floor.", "Twelve steps with a handrail on both sides. Ask about meeting downstairs if you cannot manage stairs."),
    ("Not step-free: two steps at the front door.", "No accessible toilet. Hearing loop available."),
    ("Stairs only, no lift. Toilets are upstairs.", "Please ring ahead and we will do our best to help."),
];

/// Language name, ISO code, and a note. English is most services' language; the rest are added
/// where a service offers them.
pub const OTHER_LANGUAGES: &[(&str, &str, &str)] = &[
    ("Polish", "pl", "A Polish-speaking volunteer is at most sessions."),
    ("Urdu", "ur", "Staff speak Urdu; please ask."),
    ("Bengali", "bn", "Sessions can be held in Bengali (Sylheti) with a bilingual worker."),
    ("Spanish", "es", "Spanish-speaking adviser available by appointment."),
    ("Arabic", "ar", "Arabic interpreter available on request."),
    ("Romanian", "ro", "Information leaflets in Romanian; a Romanian-speaking volunteer attends on the first week of the month."),
    ("Lao", "lo", "A Lao-speaking community worker can come with you; ask when booking."),
    ("British Sign Language", "bfi", "BSL interpreter can be booked with a week's notice."),
];

pub const INTERPRETATION: &[&str] = &[
    "Telephone interpreting available in over 100 languages; please ask when you contact us.",
    "We can book a face-to-face interpreter, including BSL, with a week's notice.",
    "Bilingual volunteers speak Polish, Urdu and Bengali.",
];

pub const FUNDERS: &[&str] = &[
    "National Lottery Community Fund", "{county} County Council public health grant", "{town} Town Council community grant",
    "NHS {county} Integrated Care Board", "Donations from local churches, schools and supermarkets", "{county} Community Foundation",
    "Household Support Fund", "Membership subscriptions and fundraising", "Local businesses and individual donors",
];

pub const PROGRAMS: &[(&str, &str)] = &[
    ("Warm Spaces {county}", "A network of free, welcoming places to keep warm and connected through the winter."),
    ("Healthy {county}", "Activities and support to help people move more, eat well and stop smoking."),
    ("Connected Communities", "Tackling loneliness by helping people find friendship and belonging close to home."),
    ("Money Worries", "A joined-up service for people struggling with the cost of living."),
    ("Green Prescriptions", "Nature-based activities that health professionals and link workers can prescribe."),
    ("Holiday Activities and Food", "Healthy food and enriching activities for children in the school holidays."),
];

pub const CAPACITY_FULL: &[&str] = &[
    "Currently full. Waiting list open: about six weeks.",
    "No places this term. Referrals go on a waiting list and we contact people in order.",
    "Full at the moment; new places usually come up at the start of each month.",
];

pub const CAPACITY_OPEN: &[&str] = &[
    "Places available now.",
    "Taking new referrals.",
    "A few places left; book soon.",
];

pub const ALERTS: &[&str] = &[
    "Closed for the summer holidays; restarts in September.",
    "Temporarily closed while the hall is refurbished; sessions move back in the new year.",
    "Paused while we recruit new volunteers. Please contact us to go on our list.",
];

pub const URL_LABELS: &[(&str, &str)] = &[
    ("Facebook page", "https://social.example.org/"),
    ("Referral form", "https://forms.example.org/"),
    ("What's on this month (PDF)", "https://files.example.org/"),
];
