// Package insights turns the one window's applications into smart ranking
// and recommendation (智能排行 / 智能推荐) and the public indicators of
// one-stop government services.
//
// # Ranking
//
// [Service.Popular] ranks items by the applications submitted for them in
// the last 30 days (a window ending at the service's clock), overall or in
// one department.
//
// # Related items
//
// [Service.Related] answers "people who applied for X also applied for Y"
// from real case data: among the distinct applicants (by identity number
// or credit code) with an application in the last 180 days, it counts
// those who applied for X, for Y and for both, and ranks Y by lift, the
// conditional probability P(Y|X) divided by Y's base rate P(Y), among the
// pairs that at least [Policy.MinSupport] applicants share. Lift is 1 for
// an item that everybody applies for anyway, so a globally popular item
// does not crowd out the ones that really go with X. See [RankRelated].
//
// # Theme guides
//
// [Service.Guide] presents a theme (毕业生落户, 开办企业 …) as numbered
// steps. The order comes from the data where there is enough of it: for
// each pair of the theme's items that at least [Policy.MinSupport]
// applicants applied for both of, the one most of them took first (by
// their first application of each) comes first. Within those constraints
// the items keep a base order, the most applied-for first (in a process,
// everybody takes the first step and fewer the later ones) and then the
// catalogue's order. See [OrderSteps].
//
// # Personal recommendations
//
// [Service.Recommend] suggests items to a signed-in person or enterprise,
// each with a one-line reason ([Reason.Line]): the next step of a theme
// they started (in themes of at most [MaxBundleSteps] items, which are
// processes rather than collections), items related to what they applied for, themes that fit
// their profile (age from the identity number's birth date, household
// registration from its division code; see [ProfileOf]), and this
// month's popular items. It never suggests an item they applied for in
// the history window (in progress, decided or otherwise), nor one their
// kind of applicant may not apply for.
//
// # Public indicators
//
// [Service.Indicators] computes, per department and overall, over a period
// of whole China-time days ([ParsePeriod]): the catalogue's shares of
// items with zero trips (零跑腿), at most one trip and fully online
// (网上全流程办理), and from the applications the online application rate
// (上网办理率), the online completion rate (网上办结率), the on-time
// completion rate and the median time from submission to decision. Every
// share carries its numerator and denominator ([Ratio]); the exact
// definitions are in [Definitions].
//
// The package does no SQL and no HTTP: the aggregate queries are the
// [Store] interface (insightssql), the pages and the API are insightsweb.
// Every window is computed from the injected clock.
package insights
