package demo

// template is one email of the demo's template library. Bodies are Markdown
// with merge variables (DESIGN §4).
type template struct {
	Name      string
	Subject   string
	Body      string
	Tags      []string
	SmartMail bool
	FromName  string
}

// firstSmartMail is, by design, the Smart Mail that sorts first by name, so
// it is the one `m` then `enter` Quick-Sends. Every variable in it has a
// fallback or is always filled (the sender's name), so it sends cleanly to
// anyone with an email address. Names are chosen so that it also sorts first
// case-insensitively.
const firstSmartMail = "Checking in — quick hello"

// smartMails are the templates designated Smart Mail (S2). "Pricing" uses
// {{custom.plan_interest}} without a fallback on purpose: the merge lint
// blocks a Quick Send of it to people who have no plan interest recorded.
// "Proposal" is written for a deal (S1): sent from an opportunity its
// {{opportunity.*}} are filled, from a contact they are missing.
var smartMails = []template{
	{
		Name:      firstSmartMail,
		Subject:   `Quick hello from {{user.name}}`,
		Tags:      []string{"intro", "follow-up"},
		SmartMail: true,
		Body: `Hi {{first_name | "there"}},

I'm {{user.name}} from Brightwave. We help teams like {{company | "yours"}} see their whole pipeline in one place, so forecasts stop living in spreadsheets.

If now is a good time, I'd love to hear how you track deals today. If it isn't, just reply **"later"** and I'll check back next quarter.

A two-minute tour, no sign-up needed: [example.com/tour](https://example.com/tour)

Best,
{{user.name}}
`,
	},
	{
		Name:      "Demo — 20-minute walkthrough",
		Subject:   `A 20-minute Brightwave demo for {{company | "your team"}}?`,
		Tags:      []string{"demo"},
		SmartMail: true,
		Body: `Hi {{first_name | "there"}},

Would a short, no-slides demo be useful? In 20 minutes I can show you:

- how a pipeline review looks when the numbers update themselves,
- the forecast view most {{custom.industry | "B2B"}} teams start with,
- and how long it takes to import what you have today (usually an afternoon).

Pick any slot that suits you: [book a demo](https://example.com/demo/book)

{{user.name}}
{{user.title}} · {{user.phone}}
`,
	},
	{
		Name:      "Event — meet us at RevOps Live",
		Subject:   `Meet the Brightwave team at RevOps Live?`,
		Tags:      []string{"event"},
		SmartMail: true,
		Body: `Hi {{first_name | "there"}},

We'll be at **RevOps Live** in Amsterdam next month (stand B14), and I'd be glad to meet in person if you're going.

We're hosting a 30-minute breakfast session on forecasting for {{custom.industry | "growing"}} companies, with coffee that is better than it needs to be.

Seats are limited: [save yours](https://example.com/events/revops-live)

See you there, I hope,
{{user.name}}
`,
	},
	{
		Name:      "Follow-up — after our call",
		Subject:   `Following up on our call`,
		Tags:      []string{"follow-up"},
		SmartMail: true,
		Body: `Hi {{first_name | "there"}},

Thanks again for your time today. As promised, here is a short recap:

1. You want one view of the pipeline across {{company | "your team"}}, without manual exports.
2. Forecast accuracy matters most for the quarterly review.
3. Next step: a trial workspace with a copy of your current data.

I've put together a few notes on how other {{custom.industry | "companies in your industry"}} teams set this up: [read the guide](https://example.com/guides/first-30-days)

If anything I said needs a second look, call me on {{user.phone}}.

{{user.name}}
{{user.title}}
`,
	},
	{
		Name:      "Introduction — teams in your industry",
		Subject:   `How {{custom.industry | "B2B"}} teams forecast with Brightwave`,
		Tags:      []string{"intro"},
		SmartMail: true,
		Body: `Hello {{first_name | "there"}},

I work with a number of {{custom.industry | "B2B"}} companies in {{country | "your region"}}, and the same question keeps coming up: *why does the forecast only get trusted the week after the quarter ends?*

Brightwave connects the CRM, billing and your spreadsheets, and gives sales and finance the **same numbers**. Most teams are live within two weeks.

Is this on your list for this year? Happy to share what worked for others: [customer stories](https://example.com/customers)

Kind regards,
{{user.name}}
{{user.title}}
`,
	},
	{
		Name:      "Pricing — your plan options",
		Subject:   `Brightwave {{custom.plan_interest}} pricing for {{company | "your team"}}`,
		Tags:      []string{"pricing"},
		SmartMail: true,
		Body: `Hi {{first_name | "there"}},

You mentioned you're looking at the **{{custom.plan_interest}}** plan, so here are the details:

- billed yearly per seat, with unlimited read-only viewers,
- onboarding and data import included,
- a 30-day money-back guarantee.

The full comparison is here: [example.com/pricing](https://example.com/pricing). For more than 25 seats I can put together a tailored quote.

{{user.name}}
{{user.phone}}
`,
	},
	{
		Name:      "Proposal — next steps on your deal",
		Subject:   `{{opportunity.name}}: the proposal and next steps`,
		Tags:      []string{"proposal", "deal"},
		SmartMail: true,
		Body: `Hi {{first_name | "there"}},

Thank you for the time your team has given us. Here is where we stand on **{{opportunity.name}}**:

- the proposal comes to **{{opportunity.value}}**, onboarding and data import included,
- we are at the {{opportunity.stage}} stage,
- and we are working towards a decision by {{opportunity.close_date | "a date that suits you"}}.

The full proposal and the terms are here: [example.com/proposal](https://example.com/proposal). If anything in it doesn't fit how {{company | "your team"}} works, tell me and we'll change it before you decide.

{{user.name}}
`,
	},
	{
		Name:      "Re-engage — it's been a while",
		Subject:   `Still thinking about forecasting, {{first_name | "there"}}?`,
		Tags:      []string{"re-engage"},
		SmartMail: true,
		Body: `Hi {{first_name | "there"}},

It's been a while since we last spoke, so I thought I'd share what's new at Brightwave:

- **Scenario planning**: compare best case and commit side by side.
- **Slack and Teams digests** every Monday morning.
- A new mid-size plan for teams of 10 to 50.

If the timing is better now, reply and I'll set up a fresh trial for {{company | "your team"}}. If not, tell me and I'll stop writing. No hard feelings.

[What's new](https://example.com/changelog)

{{user.name}}
`,
	},
	{
		Name:      "Renewal — your subscription",
		Subject:   `Your Brightwave renewal for {{company | "your team"}}`,
		Tags:      []string{"renewal"},
		SmartMail: true,
		Body: `Hi {{first_name | "there"}},

Your Brightwave subscription comes up for renewal next month. Nothing for you to do if you're happy: it renews automatically on the same terms.

Before it does, I'd like to offer a 20-minute review: what's working, what isn't, and whether the seat count still fits. Teams that add a second department at renewal get **15% off** the new seats.

[Book the review](https://example.com/renewal-review), or reply with a good time.

Thank you for another year,
{{user.name}}
{{user.title}} · {{user.email}}
`,
	},
	{
		Name:      "Success story — Meridian Freight",
		Subject:   `How Meridian Freight cut reporting time by 70%`,
		Tags:      []string{"follow-up", "case-study"},
		SmartMail: true,
		Body: `Hi {{first_name | "there"}},

Thought this might be relevant for {{company | "you"}}. Meridian Freight, a 300-person logistics company, used to spend two days every month building the board report by hand.

After moving to Brightwave they:

- cut reporting time by **70%**,
- caught two slipping renewals a month earlier than before,
- and retired 14 spreadsheets.

The full story (4-minute read): [example.com/customers/meridian](https://example.com/customers/meridian)

Worth a conversation? I'm around most of next week.

{{user.name}}
`,
	},
	{
		Name:      "Trial — getting started",
		Subject:   `Your Brightwave trial: three things to try first`,
		Tags:      []string{"trial", "follow-up"},
		SmartMail: true,
		Body: `Hi {{first_name | "there"}},

Your trial workspace for {{company | "your team"}} is ready. To get the most out of the next 14 days, try these first:

1. **Import** last quarter's deals (CSV or a direct CRM connection).
2. Open the **Forecast** view and compare it with your own number.
3. Invite one colleague from finance. That is usually where the "aha" happens.

Step-by-step guide: [example.com/trial/start](https://example.com/trial/start)

Stuck on anything? Reply here or call me: {{user.phone}}.

{{user.name}}, {{user.title}}
`,
	},
}

// plainEmails are emails that are not designated Smart Mail, so they never
// appear in the picker (S2: not all emails are Smart Mail).
var plainEmails = []template{
	{
		Name:     "Newsletter — autumn product update",
		Subject:  `Brightwave autumn update: scenarios, digests and a new plan`,
		Tags:     []string{"newsletter"},
		FromName: "Brightwave",
		Body: `Hello {{first_name | "there"}},

Here's what shipped at Brightwave this season.

## Scenario planning
Compare best case, commit and worst case side by side, and see which deals move the number.

## Weekly digests
A Monday-morning summary in Slack or Teams, so nobody has to open a dashboard to know where the quarter stands.

## A plan for mid-size teams
The new **Team** plan covers 10 to 50 seats with everything in Pro except SSO.

[Read the full changelog](https://example.com/changelog)

The Brightwave team
`,
	},
	{
		Name:     "Webinar invitation — forecasts that hold up",
		Subject:  `Webinar: forecasts that hold up until the end of the quarter`,
		Tags:     []string{"event", "webinar"},
		FromName: "Brightwave Events",
		Body: `Hi {{first_name | "there"}},

Join us for a 45-minute webinar on **building a forecast your board will believe**, with live Q&A.

- When: Thursday, 3 pm CET / 9 am ET
- Where: online, recording sent to everyone who registers
- Who: our Head of Sales and two customers from the logistics and healthcare sectors

[Register for free](https://example.com/webinars/forecasts)

See you there,
The Brightwave team
`,
	},
	{
		Name:     "Support hours over the holidays",
		Subject:  `Brightwave support hours over the holidays`,
		Tags:     []string{"announcement"},
		FromName: "Brightwave Support",
		Body: `Hello,

Our support team is taking a short break over the holidays. From 24 December to 1 January we answer within one business day instead of four hours.

Urgent issues are still covered around the clock: see [status and contact options](https://example.com/support).

Happy holidays from everyone at Brightwave.
`,
	},
}
