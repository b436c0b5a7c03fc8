# Linkwork's pages in English. Every string a page shows is here; Spanish (es) and Lao (lo) hold
# the same messages. Placeables such as { $name } are filled in by the program: keep them as they
# are. Messages named after codes (status-…, need-…) follow the code lists of the API.

## The frame of every page

app-name = Linkwork
skip-to-content = Skip to main content
nav-label = Main menu
nav-directory = Find services
nav-self-referral = Refer yourself
nav-caseload = My caseload
nav-my-referrals = My referrals
nav-refer = Refer someone
nav-inbox = Referrals inbox
nav-listings = Our listings
nav-users = Users
nav-organisations = Organisations
nav-imports = Imports
nav-audit = Audit log
language-label = Language
language-change = Change
language-own-name-en = English
language-own-name-es = Español
language-own-name-lo = ລາວ
language-pseudo = Pseudo-language (testing)
sign-in = Sign in
sign-out-as = Sign out ({ $name })
footer-text = Linkwork: social prescribing, from referral to the community and back.
back-home = Back to your home page
search = Search
choose = Choose…
yes = Yes
where = Where
not-stated = Not stated
times-in-utc = Times are in UTC.
reference-line = Reference { $reference }
safeguarding-flag = Safeguarding
error-summary-title = There is a problem
result-pages = Result pages
previous-page = Previous page
next-page = Next page

## Messages after a form was sent

done-referral-sent = Your referral was sent. The link worker service will contact the person.
done-taken-on = You have taken this person on.
done-status-contact-attempted = The contact attempt was recorded.
done-status-contacted = The contact was recorded.
done-status-assessed = The person is now assessed.
done-status-plan-agreed = The plan is agreed. The referrer has been told.
done-status-active = Support is under way.
done-status-closed = The episode is closed. The referrer has been told.
done-assessment-saved = The assessment was saved.
done-goal-added = The goal was added.
done-goal-reviewed = The goal review was saved.
done-note-added = The note was added.
done-follow-up-added = The follow-up was scheduled.
done-follow-up-done = The follow-up is done.
done-plan-item-added = Added to the plan.
done-referred-onward = The referral was sent to the organisation.
done-task-received = Marked as received.
done-task-accepted = You accepted the referral. The link worker can see it.
done-task-rejected = You declined the referral. The link worker can see why.
done-task-in-progress = The person is enrolled.
done-task-on-hold = The referral is on hold.
done-task-completed = The referral is completed.
done-task-failed = The referral is marked as not taken up.
done-task-cancelled = The referral is cancelled. The link worker can see why.
done-attendance-recorded = The attendance was recorded.
done-user-disabled = The user can no longer sign in.
done-user-enabled = The user can sign in again.
done-member-added = The member was added.
done-member-removed = The member was removed.

## Errors shown as pages

problem-invalid-request = Something in that request was not right
problem-invalid-request-detail = Go back, check what you entered and try again.
problem-invalid-input = Some of what you entered needs correcting
problem-invalid-input-detail = Go back, check what you entered and try again.
problem-unauthorized = Please sign in
problem-unauthorized-detail = Your session may have ended. Sign in again to carry on.
problem-forbidden = You cannot do this
problem-forbidden-detail = Your role does not allow it, or the form had expired. Reload the page and try again, or ask your administrator.
problem-not-found = Page not found
problem-not-found-detail = There is nothing here that you can see. Check the address, or go back to your home page.
problem-conflict = This cannot be done now
problem-conflict-detail = The record has moved on since the page was shown. Reload it to see where it stands.
problem-edit-conflict = Someone else changed this record
problem-edit-conflict-detail = Reload the page to see their change, then make yours again.
problem-version-required = This record needs reloading
problem-version-required-detail = Reload the page and make your change again.
problem-too-many-attempts = Too many attempts
problem-too-many-attempts-detail = Wait a few minutes and try again.
problem-too-large = What you sent is too large
problem-too-large-detail = Send less at once.
problem-unsupported-media-type = That kind of content cannot be sent here
problem-unsupported-media-type-detail = Use the form on the page.
problem-internal = Something went wrong on our side
problem-internal-detail = It has been logged. Please try again; if it keeps happening, tell your administrator.
problem-unavailable = Temporarily unavailable
problem-unavailable-detail = Please try again in a few minutes.

## Signing in

field-username = Username
field-username-hint = Lower-case letters, digits, and . _ - @
field-password = Password
sign-in-expired = This form had expired. Please sign in again.
sign-in-missing = Enter your username and your password.
sign-in-wrong = The username or password is not right.
sign-in-locked = Too many failed sign-ins for this account. Try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}, or ask an administrator.
sign-in-self-referral = Looking for help for yourself?
home-title = Home
home-hello = Hello, { $name }
home-signed-in-as = You are signed in as { $username } ({ $roles }).

## Code lists

role-admin = Administrator
role-referrer = Referrer
role-link-worker = Link worker
role-provider = Community organisation
role-facilitator = Facilitator
role-analyst = Analyst
status-received = New referral
status-contact-attempted = Contact attempted
status-contacted = Contacted
status-assessed = Assessed
status-plan-agreed = Plan agreed
status-active = Support under way
status-closed = Closed
urgency-routine = Routine
urgency-soon = Soon
urgency-urgent = Urgent
source-gp = GP
source-nurse = Nurse
source-hospital = Hospital
source-mental-health-team = Mental health team
source-social-worker = Social worker
source-pharmacist = Pharmacist
source-community-member = Community member
source-self-referral = Self-referral
source-other = Other
contact-phone = Phone
contact-text-message = Text message
contact-email = Email
contact-letter = Letter
contact-in-person = In person
consent-method-verbal = Spoken
consent-method-written = Written
consent-method-electronic = Online
consent-purpose-support = Support from the link worker service
consent-purpose-sharing = Sharing with an organisation
consent-purpose-evaluation = Use in evaluation
closure-goals-met = Goals met
closure-disengaged = Stopped taking part
closure-declined = Declined social prescribing
closure-unable-to-contact = Could not be contacted
closure-moved-away = Moved away
closure-died = Died
closure-referred-elsewhere = Referred to another service
need-group-material = Money, housing and practical help
need-group-health-behaviour = Health and lifestyle
need-group-social-emotional = People, purpose and wellbeing
need-food = Food
need-transportation = Transport
need-financial = Money and debt
need-legal = Legal advice
need-housing = Housing
need-homelessness = Homelessness
need-utilities = Heating and utilities
need-digital-access = Digital access
need-digital-literacy = Digital skills
need-diet = Diet and healthy eating
need-exercise = Physical activity
need-smoking = Stopping smoking
need-substance-use = Alcohol and substance use
need-chronic-disease = Living with a long-term condition
need-mental-health = Mental health and stress
need-social-connection = Loneliness and social connection
need-nature = Nature and green spaces
need-arts-culture = Arts, heritage and culture
need-volunteering = Volunteering
need-employment = Work and job training
need-education = Education and learning
need-community-groups = Community groups
need-language = Language and interpreting
need-safety = Safety at home
need-elder-abuse = Safety of an older person
barrier-cost = Cost
barrier-distance-transport = Distance or transport
barrier-confidence-company = Confidence, or no one to go with
barrier-mental-state = How they are feeling
barrier-language = Language
barrier-digital = Digital access
barrier-physical-access = Physical access
support-transport = Transport arranged
support-cost-support = Help with cost
support-co-attend-first-session = Someone goes with them the first time
support-interpreter = Interpreter
support-digital-help = Help with digital
support-accessible-venue = Accessible venue
support-other = Other support
support-for = Support for: { $barrier }
barrier-with-support = { $barrier }: { $support }
progress-not-started = Not started
progress-some-progress = Some progress
progress-good-progress = Good progress
progress-achieved = Achieved
progress-no-longer-relevant = No longer relevant
task-draft = Draft
task-requested = Sent
task-received = Received
task-accepted = Accepted
task-rejected = Declined
task-in-progress = Enrolled
task-on-hold = On hold
task-completed = Completed
task-cancelled = Cancelled
task-failed = Not taken up
event-received = Referral received
event-contact-attempted = Contact attempted
event-contacted = Contacted
event-assessed = Assessed
event-plan-agreed = Plan agreed
event-active = Support under way
event-closed = Closed
event-closed-because = Closed: { $reason }
event-coded = (SNOMED CT { $code })

## Dates, times and distances

day-monday = Monday
day-tuesday = Tuesday
day-wednesday = Wednesday
day-thursday = Thursday
day-friday = Friday
day-saturday = Saturday
day-sunday = Sunday
days-pair = { $first } and { $last }
days-range = { $first } to { $last }
time-range = { $opens } to { $closes }
hours-line = { $days }: { $hours }
distance-m = { $n } m
distance-km = { $n } km
distance-away = { $distance } away

## Form fields

field-given-name = First name
field-family-name = Last name
field-birth-date = Date of birth
field-postcode = Postcode
field-phone = Phone
field-email = Email
field-preferred-contact = Best way to contact
field-language = Preferred language
field-language-hint = A language code, such as en, es, lo or pl.
field-interpreter = Needs an interpreter
field-details = Anything else the link worker should know
field-details-hint = What is going on for the person, in a few words.
field-urgency = Urgency
field-risks = Risks
field-risks-hint = Anything a link worker visiting or calling should know.
field-safeguarding = There is a safeguarding concern
field-source = You are
field-referrer-role = Referrer's role
field-referrer-organisation = Practice or organisation
field-referrer-contact = How the link worker can reach you
field-referrer-contact-hint = A phone number or email address.
field-consent = The person agrees to be referred to the link worker service
field-consent-self = I agree to be contacted by a link worker and for my details to be kept for this
field-consent-method = How they agreed
field-consent-share = { $organisation } may receive their name, contact details and why they were referred
field-reference = Reference
field-status = Status
field-sent = Sent
field-updated = Last change
field-name = Name
field-actions = Actions
field-service = Service
field-attendance = Attendance
field-referrer = Referred by
field-closure-reason = Why the episode is closing
field-what-matters = What matters to them
field-what-matters-hint = In their own words, as far as you can.
field-strengths = Strengths
field-interests = Interests
field-one-per-line = One per line.
field-barriers = Barriers
field-barriers-hint = Tick what might stop them taking part, and the support agreed for each.
field-note = Note
field-note-hint = Case notes are never shared with organisations.
field-goal = Goal
field-goal-hint = Written with the person, in their words.
field-target-date = Aim to reach it by
field-progress = Progress
field-due-on = Due on
field-purpose = What for
field-outcome = Outcome
field-activity = Something informal
field-activity-hint = An activity outside the directory, such as a walk with a neighbour on Sundays.
field-message-to-organisation = Message for the organisation (shared with them)
field-reason = Reason
field-session-on = Session date
field-attended = Attended?
field-roles = Roles
field-organisations = Organisations
field-organisations-hint = Staff of community organisations see only referrals to their organisations.
field-access = Access
field-when = When
field-who = Who
field-source-file = Source
field-format = Format
field-report = Report
field-person-id = Person id
field-audit-action = Action
field-audit-action-hint = read, create, update, export, erase…
field-record = Record
field-route = Page or API call

## Validation

err-required = Enter this.
err-too-long = This is { $length } characters long; use { $max } or fewer.
err-control-characters = This contains characters that cannot be stored; retype it.
err-no-name = Enter at least a first name or a last name.
err-birth-date-future = The date of birth cannot be in the future.
err-birth-date-too-old = The date of birth is more than 130 years ago; check the year.
err-not-a-date = “{ $value }” is not a date. Enter a date such as 21/03/1956.
err-ethnicity = “{ $value }” is not one of the ethnicity categories.
err-phone = “{ $value }” is not a phone number. Use 7 to 15 digits.
err-email = “{ $value }” is not an email address. It should look like name@example.org.
err-language-tag = “{ $value }” is not a language code. Use a code such as en, es, lo or pl.
err-decile = Choose a decile from 1 to 10.
err-email-needed = Enter an email address, as email is the best way to contact them.
err-phone-needed = Enter a phone number, as that is the best way to contact them.
err-no-reasons = Tick at least one reason for the referral.
err-need-code = “{ $value }” is not one of the reasons.
err-risks-needed = Describe the safeguarding concern.
err-too-many = There are more than { $max } entries.
err-barrier-twice = This barrier is listed twice.
err-service-or-activity = Choose a service from the directory or describe something informal.
err-sharing-organisation = Choose the organisation the person agreed to share with.
err-consent-to-support = The person must agree to be referred. Ask them first.
err-consent-to-share = The person must agree to share their details with { $organisation } before you refer them.
err-choose-one = Choose one of the options.
err-choose-closure-reason = Choose why the episode is closing.
err-give-reason = Say why, so the link worker can tell the person.
err-session-in-future = That date is in the future; record sessions once they have happened.
err-not-an-id = That is not a record id.
err-age = Enter the age in whole years, from 0 to 120.
err-unknown-place = We do not know where “{ $place }” is. Enter a postcode of the area, or latitude,longitude.
err-place-lookup-failed = We could not look that place up just now. Please try again.
err-username = Use 2 to 64 lower-case letters, digits, and . _ - @
err-no-roles = Tick at least one role.
err-provider-organisation = Staff of a community organisation must belong to at least one organisation: choose it.

## Referral forms

referral-title = Refer someone to a link worker
referral-intro = A link worker will contact the person, usually within a week, to talk about what matters to them.
referral-person = The person
referral-reasons = Why you are referring them
referral-urgency-and-risk = Urgency and risk
referral-from = About you
referral-consent = Consent
referral-send = Send the referral
self-referral-title = Ask for a link worker
self-referral-intro = A link worker can help you find local groups, activities and advice: for money, housing, loneliness, getting active and more. Tell us a little about yourself and we will contact you.
self-referral-about-you = About you
self-referral-reasons = What would you like help with?
self-referral-send = Send
self-referral-sent-title = Thank you
self-referral-sent-reference = We have your request. Your reference is { $reference }.
self-referral-sent-next = A link worker will contact you, usually within a week, in the way you asked.
self-referral-sent-urgent = If you need help urgently, call your GP practice, or 999 in an emergency.
my-referrals-title = My referrals
my-referrals-none = You have not sent any referrals yet.
my-referrals-messages = Messages from the link worker service
message-accepted = The person accepted the referral to social prescribing (SNOMED CT { $code }). A link worker is working with them.
message-plan-agreed = The person has agreed a plan with their link worker.
message-declined = The person declined social prescribing (SNOMED CT { $code }).
message-closed = The social prescribing episode has closed: { $reason }.

## Link worker

caseload-title = My caseload
caseload-open = open episodes
caseload-new = new referrals waiting
caseload-due-today = contacts due today
caseload-overdue = contacts overdue
caseload-size = { $people } people in the last 12 months; the safe caseload is { $safe }.
caseload-over-safe = This is above the safe level: talk to your manager.
caseload-new-referrals = New referrals
caseload-no-new = No referrals are waiting.
caseload-take-on = Take on { $name }
caseload-contacts-due = Contacts due
caseload-none-due = No contacts are due.
caseload-mine = My people
caseload-by-status = By status
caseload-all-open = All open
caseload-none-mine = Nobody here.
follow-up-due = due { $date }
follow-up-overdue = overdue since { $date }
follow-up-done-on = done { $date }
follow-up-add = Schedule a follow-up
follow-up-mark-done = Mark done
episode-next-step = Next step
episode-take-on = Take on this person
episode-assessment-link = What matters to them
episode-plan-link = Plan and refer
episode-close = Close the episode
episode-close-button = Close the episode
episode-person = Contact details
episode-referral = The referral
episode-consent = Consent
episode-what-matters = What matters to them
episode-no-assessment = Not recorded yet.
episode-goals = Goals
episode-no-goals = No goals yet.
episode-plan = Social prescription
episode-no-plan = Nothing in the plan yet.
episode-onward = Referrals to organisations
episode-no-onward = None yet.
episode-follow-ups = Follow-ups
episode-no-follow-ups = None scheduled.
episode-notes = Case notes
episode-timeline = Timeline
step-contact-attempted = Record a contact attempt
step-contacted-accepts = Contacted: they accept the referral
step-contacted-undecided = Contacted: not decided yet
step-assessed = Assessment done
step-plan-agreed = Plan agreed
step-active = Support under way
consent-sharing-with = Sharing with { $organisation }
consent-given = { $method }, { $date }
consent-withdrawn-on = Withdrawn { $date }.
goal-target = by { $date }
goal-review = Save review
goal-add = Add a goal
note-add = Add the note
sessions-attended = { $attended } of { $recorded } sessions attended
capacity-warning-kept = Sent despite a capacity warning.
assessment-title = What matters to them
assessment-intro = A “what matters to you” conversation: what they care about, what they are good at, what they enjoy, and what might get in the way.
assessment-save = Save
back-to-person = Back to { $name }
plan-title = Plan and refer
plan-heading = Services for { $name }
plan-looking-for = Interests or what they are looking for
plan-near = Near
plan-language = In a language
plan-free-or-low-cost = Free or low cost
plan-wheelchair = Wheelchair access
plan-add-service = Add { $service } to the plan
plan-add-activity = Add to the plan
refer-to = Refer to { $service }
refer-confirm-title = Before referring to { $service }
refer-anyway = Refer anyway: I have told the person
refer-consent-question = Has the person agreed that { $organisation } may receive their details?
refer-send = Send the referral
capacity-full = The service says it has no places at the moment.
capacity-waiting-list = The service has a waiting list: { $wait }.
capacity-not-active = The service is not running at the moment.
why-it-fits = Why it fits:

## Directory

directory-title = Find services
directory-heading = Find community services
directory-what = What are you looking for?
directory-what-placeholder = walking group, debt advice…
directory-near = Near (postcode or latitude,longitude)
directory-within = Within
directory-category = Category
directory-any-category = Any category
directory-cost = Cost
directory-any-cost = Any cost
directory-language = Language
directory-language-placeholder = e.g. Spanish
directory-open-on = Open on
directory-any-day = Any day
directory-at = At
directory-age = Age of the person
directory-has-places = Has places now
directory-no-results = Try fewer filters, another spelling, or a wider distance.
services-found = { $count ->
    [one] { $count } service found
   *[other] { $count } services found
}
why-it-matched = Why it matched:
reason-mentions = Mentions { $words }
reason-category = Category: { $term }
reason-language = In { $language }
reason-wheelchair = Wheelchair access
reason-open-at = Open { $day } at { $time }
reason-age = Accepts age { $age }
reason-has-places = Has places
places-available = { $count ->
    [one] { $count } place available
   *[other] { $count } places available
}
cost-free = Free
cost-low = Low cost
cost-free-or-low = Free or low cost
cost-paid = There is a charge
back-to-search = Back to search
run-by = Run by { $organisation }
service-not-running = This service is no longer running.
service-temporarily-closed = This service is temporarily closed.
service-how-to-get-help = How to get help
service-who-for = Who it is for
service-languages = Languages
service-places = Places available
service-waiting-time = Waiting time
service-website = Website
service-confirmed = Details last confirmed
service-opening-times = Opening times
service-address = Address
service-distance = Distance
service-access = Access
service-getting-there = Getting there
full-at-the-moment = Full at the moment
not-confirmed-yet = Not confirmed yet
confirmed-long-ago = { $date } (over three months ago: check with the organisation before referring)
ages-between = Ages { $min } to { $max }.
ages-from = Ages { $min } and over.
ages-up-to = Up to age { $max }.

## Community organisations

inbox-title = Referrals inbox
inbox-new = New referrals
inbox-new-none = No new referrals.
inbox-accepted = Accepted, not yet started
inbox-accepted-none = None.
inbox-enrolled = Taking part
inbox-enrolled-none = Nobody is enrolled yet.
inbox-finished = Finished or declined
inbox-finished-none = None.
back-to-inbox = Back to the inbox
shared-why = Why they were referred
shared-message = Message from the link worker
shared-respond = Respond
provider-action-received = Mark as received
provider-action-accepted = Accept
provider-action-rejected = Decline
provider-action-in-progress = Enrol: they have started
provider-action-on-hold = Put on hold
provider-action-completed = Mark completed
provider-action-failed = Did not take it up
provider-action-cancelled = Cancel the referral
attendance-title = Attendance
attendance-attended = Attended
attendance-missed = Missed
attendance-record = Record attendance
attendance-so-far = Sessions recorded

## Administration

admin-users-title = Users
admin-user-created = The user { $username } was created.
admin-user-password = Their password, shown only now: give it to them safely.
admin-add-user = Add a user
admin-change-roles = Change the roles of { $username }
admin-roles-of = Roles of { $username }
admin-save-roles = Save the roles
done-roles-changed = The roles were changed. They apply from the user's next page.
admin-disable = Stop { $username } signing in
admin-enable = Let { $username } sign in again
admin-organisations-title = Organisations and their members
admin-organisations-intro = Staff of an organisation see the referrals sent to it, once the person has agreed.
admin-no-members = No members.
admin-add-member = Add a member
admin-add = Add
admin-remove-member = Remove { $name }
admin-imports-title = Imports
admin-imports-intro = Directory data loaded with “linkwork import”, newest first, with what each import found.
admin-imports-none = No imports yet.
admin-audit-title = Audit log
audit-total = { $count } entries

## A community organisation's listings

listings-title = Our listings
listings-intro = What the directory says about your services. Link workers choose services from it, so keep it right.
listings-reminder = Some of your listings have not been confirmed for three months. Link workers are asked to check with you before referring to them: confirm them, or correct them.
listings-none = Your organisations have no services in the directory.
listings-stale = please confirm
listings-confirm = Details of { $service } are still correct
listings-edit = Edit { $service }
listings-view = See it as the public does
inbox-listings-reminder = { $count ->
    [one] One of your listings has not been confirmed for three months.
   *[other] { $count } of your listings have not been confirmed for three months.
}
inbox-listings-link = Check your listings
back-to-listings = Back to our listings
listing-places = Places and availability
listing-details = Details
listing-save = Save changes
field-available = Places available now
field-available-hint = A whole number; 0 means full.
field-maximum = Places in all
field-description = Description
field-alert = Notice
field-alert-hint = A short notice shown at the top of the listing, such as a change of venue.
service-status-active = Running
service-status-temporarily-closed = Temporarily closed
service-status-inactive = No longer running
service-status-defunct = Closed for good
err-whole-number = “{ $value }” is not a whole number; use 0 to 100000.
err-url = “{ $value }” is not a web address; it should start with https://.
err-more-than-maximum = This is more than the places in all.
done-listing-saved = The listing was saved. Searches show the change within a minute.
done-listing-confirmed = Thank you: the listing is confirmed as correct today.

## The audit log

audit-actor = { $name } ({ $role })
role-user = User
role-person = The person
role-system = System
audit-action-assign = Assigned
audit-action-create = Created
audit-action-erase = Erased
audit-action-export = Exported
audit-action-list = Listed
audit-action-read = Read
audit-action-revoke = Revoked
audit-action-search = Searched
audit-action-update = Changed
audit-action-withdraw = Withdrawn
audit-action-sign-in = Signed in
audit-entity-attendance = Attendance
audit-entity-case-note = Case note
audit-entity-consent = Consent
audit-entity-credential = Sign-in or token
audit-entity-episode = Episode
audit-entity-follow-up = Follow-up
audit-entity-goal = Goal
audit-entity-onward-referral = Referral to an organisation
audit-entity-person = Person
audit-entity-prescription-item = Plan item
audit-entity-referral-status = Referral status
audit-entity-user = User
audit-entity-assessment = Assessment
audit-entity-message = Message

## The person's timeline

timeline-consent = Consent recorded: { $consent }
timeline-consent-withdrawn = Consent withdrawn: { $consent }
timeline-goal-added = Goal set: { $goal }
timeline-goal-reviewed = Goal reviewed: { $goal }, { $progress }
timeline-plan-item = Added to the plan: { $item }
timeline-onward = { $service }: { $status }
timeline-onward-by-organisation = { $service }: { $status } (by the organisation)
timeline-attended = { $service }: attended the session of { $date }
timeline-missed = { $service }: missed the session of { $date }
timeline-follow-up-done = Follow-up done: { $purpose }
timeline-note = Case note written

## Screening and outcome measures

episode-measures = Screening and measures
measure-new = Screen or measure
measure-choose = Questionnaire
measure-open = Open
measure-score = Save and score
measure-save-later = Save and finish later
measure-continue = carry on
measure-range = From { $min } to { $max }.
measures-none = No screening or measures yet.
needs-proposed = Needs the screening suggests
needs-on-record = Needs on their record:
need-confirm = Confirm: { $need }
need-dismiss = Dismiss: { $need }
field-timepoint = When in the support
field-score = Score
timepoint-screening = Screening
timepoint-baseline = Baseline
timepoint-follow-up = Follow-up
score-value = { $score }: { $value }
chart-summary = { $count ->
    [one] One measurement: { $last }.
   *[other] { $count } measurements, from { $first } to { $last }.
}
change-improved = improved
change-no-change = no change
change-worse = worse
err-not-a-number = Enter a number.
err-answer-not-offered = Choose one of the answers given.
err-answer-needed = Answer this question to score the questionnaire, or save and finish later.
done-measure-saved = The answers were saved; carry on when you are ready.
done-measure-scored = The answers were scored.
done-need-confirmed = The need is now on their record.
done-need-dismissed = The suggestion was dismissed.
no = No

## Matching

fit-need = Meets the need “{ $need }” ({ $term })
fit-charges = There is a charge
fit-not-in-language = Not offered in { $language }
fit-access-not-stated = Step-free access not stated
plan-matched = Services that fit { $name }: needs, interests, barriers and place
