//! `tandem import`: a roster's rows checked against the same rules as `/mentoring pair` (and
//! `/mentoring profile` for cities), then written in one transaction, or not at all. A pair that
//! is already there is counted, not refused, so the same file can be imported again.

use std::collections::HashMap;

use chrono_tz::Tz;

use super::people::Named;
use super::profile::typed_city;
use super::{App, AppError, AppResult, Caller, UserError};
use crate::commands::Mention;
use crate::domain::roster::{self, Account, Member, Row};
use crate::domain::{Identity, Intake, Pair, Participant, Platform};
use crate::store;

/// Why a row can't be imported.
#[derive(Debug, Clone, PartialEq)]
pub enum RowProblem {
    /// The row itself is malformed (a column, an account, a zone).
    Shape(roster::ProblemKind),
    /// A rule of `/mentoring pair` or `/mentoring profile`.
    Rule(UserError),
    /// The person is in another pair of the same intake higher up the file.
    PairedEarlier {
        person: String,
        intake: String,
        line: u64,
    },
    /// The person's city or zone differs from what a line higher up says.
    PlaceDiffers { person: String, line: u64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct RosterProblem {
    pub line: u64,
    pub what: RowProblem,
}

/// A row that passes: a new pair, or one that is already there.
#[derive(Debug, Clone)]
pub struct PlannedRow {
    pub line: u64,
    pub intake: Intake,
    pub mentor: Participant,
    pub mentee: Participant,
    /// The pair to write; `None` when it is already there.
    new: Option<NewPair>,
}

#[derive(Debug, Clone)]
struct NewPair {
    pair: Pair,
    mentor: Named,
    mentee: Named,
}

impl PlannedRow {
    pub fn is_new(&self) -> bool {
        self.new.is_some()
    }

    /// Where the new pair will live.
    pub fn platform(&self) -> Option<Platform> {
        self.new.as_ref().map(|n| n.pair.platform)
    }
}

/// What importing the roster will do.
#[derive(Debug, Clone, Default)]
pub struct RosterPlan {
    pub rows: Vec<PlannedRow>,
    /// People whose city or zone the roster changes, with the new values.
    pub places: Vec<Participant>,
}

impl RosterPlan {
    /// People Tandem has not met yet, registered with their pair.
    pub fn newcomers(&self) -> usize {
        self.rows
            .iter()
            .filter_map(|r| r.new.as_ref())
            .flat_map(|n| [&n.mentor, &n.mentee])
            .filter(|who| matches!(who, Named::New(_)))
            .count()
    }
}

/// What stops a row: something the coordinator can fix, or an internal failure.
enum Stop {
    Problem(RowProblem),
    Internal(anyhow::Error),
}

impl From<AppError> for Stop {
    fn from(err: AppError) -> Self {
        match err {
            AppError::User(err) => Stop::Problem(RowProblem::Rule(err)),
            AppError::Internal(err) => Stop::Internal(err),
        }
    }
}

impl From<sqlx::Error> for Stop {
    fn from(err: sqlx::Error) -> Self {
        Stop::Internal(err.into())
    }
}

impl From<RowProblem> for Stop {
    fn from(problem: RowProblem) -> Self {
        Stop::Problem(problem)
    }
}

/// A person's city and zone as the file gives them, and the line that first did.
struct Place {
    line: u64,
    city: Option<Option<String>>,
    zone: Option<Tz>,
    person: Participant,
    before: (Option<String>, Option<Tz>),
}

/// What the rows above the current one have settled.
#[derive(Default)]
struct Earlier {
    /// Everyone named so far; a newcomer named twice is registered once.
    people: HashMap<Account, Named>,
    /// (intake id, person id) → the line of the new pair they are in.
    paired: HashMap<(String, String), u64>,
    /// By person id.
    places: HashMap<String, Place>,
    /// The order people's places were first given in, for a stable write.
    place_order: Vec<String>,
}

impl App {
    /// Reads and checks a whole roster file: the plan when every row passes, otherwise every
    /// problem, in line order. Nothing is written either way.
    pub async fn check_roster(
        &self,
        source: &[u8],
        intake: Option<&str>,
    ) -> anyhow::Result<Result<RosterPlan, Vec<RosterProblem>>> {
        let (rows, shape) = roster::parse(source);
        let (plan, rules) = self.plan_roster(&rows, intake).await?;
        let mut problems: Vec<RosterProblem> = shape
            .into_iter()
            .map(|p| RosterProblem {
                line: p.line,
                what: RowProblem::Shape(p.what),
            })
            .collect();
        problems.extend(rules);
        problems.sort_by_key(|p| p.line);
        Ok(if problems.is_empty() {
            Ok(plan)
        } else {
            Err(problems)
        })
    }

    /// Checks every row, as the operator would running `tandem admin pair` for each, without
    /// writing anything. `intake` names the intake for rows that leave theirs empty; the newest
    /// active one when `None`.
    pub async fn plan_roster(
        &self,
        rows: &[Row],
        intake: Option<&str>,
    ) -> anyhow::Result<(RosterPlan, Vec<RosterProblem>)> {
        let mut plan = RosterPlan::default();
        let mut problems = Vec::new();
        let mut earlier = Earlier::default();
        for row in rows {
            match self.plan_row(row, intake, &mut earlier).await {
                Ok(planned) => plan.rows.push(planned),
                Err(Stop::Problem(what)) => problems.push(RosterProblem {
                    line: row.line,
                    what,
                }),
                Err(Stop::Internal(err)) => return Err(err),
            }
        }
        for id in &earlier.place_order {
            let place = &earlier.places[id];
            if (place.person.city.clone(), place.person.zone) != place.before {
                plan.places.push(place.person.clone());
            }
        }
        Ok((plan, problems))
    }

    async fn plan_row(
        &self,
        row: &Row,
        default_intake: Option<&str>,
        earlier: &mut Earlier,
    ) -> Result<PlannedRow, Stop> {
        let intake = self
            .active_intake_named(row.intake.as_deref().or(default_intake))
            .await?;
        let mentor = self.named(&row.mentor, earlier).await?;
        let mentee = self.named(&row.mentee, earlier).await?;
        if let Some(existing) = self.existing_pair(&intake, &mentor, &mentee).await? {
            self.plan_place(row.line, &row.mentor, &mentor, earlier)?;
            self.plan_place(row.line, &row.mentee, &mentee, earlier)?;
            return Ok(PlannedRow {
                line: row.line,
                ..existing
            });
        }
        let pair = self.new_pair(&intake, &mentor, &mentee, Platform::Console)?;
        for who in [&mentor, &mentee] {
            let person = who.person();
            let key = (intake.id.clone(), person.id.clone());
            if let Some(line) = earlier.paired.get(&key) {
                return Err(RowProblem::PairedEarlier {
                    person: person.display_name.clone(),
                    intake: intake.name.clone(),
                    line: *line,
                }
                .into());
            }
            if store::pairs::active_for(self.store.pool(), &intake.id, &person.id)
                .await?
                .is_some()
            {
                return Err(AppError::from(UserError::AlreadyPaired {
                    person: person.display_name.clone(),
                    intake: intake.name.clone(),
                })
                .into());
            }
        }
        // Noted before the places are checked, so a bad city still shows a later line's clash.
        for who in [&mentor, &mentee] {
            earlier
                .paired
                .insert((intake.id.clone(), who.person().id.clone()), row.line);
        }
        self.plan_place(row.line, &row.mentor, &mentor, earlier)?;
        self.plan_place(row.line, &row.mentee, &mentee, earlier)?;
        Ok(PlannedRow {
            line: row.line,
            intake,
            mentor: mentor.person().clone(),
            mentee: mentee.person().clone(),
            new: Some(NewPair {
                pair,
                mentor,
                mentee,
            }),
        })
    }

    /// The person a row names, found as `/mentoring pair` finds them; a newcomer gets the row's
    /// name and email. Named again further down, they are the same newcomer.
    async fn named(&self, member: &Member, earlier: &mut Earlier) -> AppResult<Named> {
        if let Some(known) = earlier.people.get(&member.account) {
            return Ok(Named::Known(known.person().clone()));
        }
        let operator = Caller {
            operator: true,
            ..Caller::person(Identity::new(Platform::Console, "operator"), "operator")
        };
        let mention = match &member.account {
            Account::Platform(identity) => Mention::Id {
                platform: identity.platform,
                id: identity.user_id.clone(),
                label: member.name.clone(),
            },
            Account::Name(name) => Mention::Name(name.clone()),
        };
        let mut named = self.resolve(&operator, &mention).await?;
        if let Named::New(person) = &mut named {
            person.email = member.email.clone().or(person.email.take());
        }
        earlier.people.insert(member.account.clone(), named.clone());
        Ok(named)
    }

    /// The row's pair when it is already active in the intake, the same way round.
    async fn existing_pair(
        &self,
        intake: &Intake,
        mentor: &Named,
        mentee: &Named,
    ) -> AppResult<Option<PlannedRow>> {
        let (Named::Known(mentor), Named::Known(mentee)) = (mentor, mentee) else {
            return Ok(None);
        };
        let active = store::pairs::active_for(self.store.pool(), &intake.id, &mentor.id).await?;
        Ok(active
            .filter(|p| p.mentor_id == mentor.id && p.mentee_id == mentee.id)
            .map(|_| PlannedRow {
                line: 0,
                intake: intake.clone(),
                mentor: mentor.clone(),
                mentee: mentee.clone(),
                new: None,
            }))
    }

    /// Notes the city and zone a row gives someone, checked as `/mentoring profile` checks them.
    fn plan_place(
        &self,
        line: u64,
        member: &Member,
        named: &Named,
        earlier: &mut Earlier,
    ) -> Result<(), Stop> {
        if member.city.is_none() && member.zone.is_none() {
            return Ok(());
        }
        let city = match &member.city {
            Some(typed) => Some(typed_city(typed).map_err(RowProblem::Rule)?),
            None => None,
        };
        let person = named.person();
        let place = match earlier.places.get_mut(&person.id) {
            Some(place) => place,
            None => {
                earlier.place_order.push(person.id.clone());
                earlier.places.entry(person.id.clone()).or_insert(Place {
                    line,
                    city: None,
                    zone: None,
                    person: person.clone(),
                    before: (person.city.clone(), person.zone),
                })
            }
        };
        let city_differs = matches!((&place.city, &city), (Some(a), Some(b)) if a != b);
        let zone_differs = matches!((place.zone, member.zone), (Some(a), Some(b)) if a != b);
        if city_differs || zone_differs {
            return Err(RowProblem::PlaceDiffers {
                person: person.display_name.clone(),
                line: place.line,
            }
            .into());
        }
        if let Some(city) = city {
            place.person.city = city.clone();
            place.city = Some(city);
        }
        if let Some(zone) = member.zone {
            place.person.zone = Some(zone);
            place.zone = Some(zone);
        }
        Ok(())
    }

    /// Writes the plan's new pairs, newcomers and places in one transaction: all of it, or
    /// nothing if anything (a pairing made meanwhile, say) gets in the way. Returns how many
    /// meetup invitations the new cities added.
    pub async fn write_roster(&self, plan: &RosterPlan) -> AppResult<usize> {
        let mut tx = self.store.begin().await?;
        for row in &plan.rows {
            if let Some(new) = &row.new {
                self.record_pair(&mut tx, &row.intake, &new.pair, &new.mentor, &new.mentee)
                    .await?;
            }
        }
        let mut invited = 0;
        for person in &plan.places {
            invited += self.store_place(&mut tx, person).await?;
        }
        tx.commit().await?;
        Ok(invited)
    }
}
