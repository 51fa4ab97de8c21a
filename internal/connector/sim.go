package connector

import (
	"sync"
	"time"

	"liandong/internal/workday"
)

// cst is China Standard Time; records are made in it.
var cst = workday.Location()

// historyEnd anchors the generated history (registrations, crossings,
// stays) so that the same seed always yields the same records.
var historyEnd = time.Date(2025, 6, 1, 0, 0, 0, 0, cst)

// Simulator implements Population, ExitEntry, Hotel and Detention on
// synthetic Zhoukou data generated from a seed: a few hundred people with
// valid identity numbers, residences, travel documents and crossings, hotel
// stays, and a handful of people on whom detention intake must be refused
// (aged 70 or over, pregnant, nursing, a minor, seriously ill). Reads are
// pure; border controls and intakes are kept in memory per Simulator. It is
// safe for concurrent use.
type Simulator struct {
	now    func() time.Time
	people []*simPerson
	byID   map[string]*simPerson

	mu       sync.Mutex
	controls []*Control // in lodging order
	intakes  map[string]*intake
	seq      int
}

// SimPerson is a synthetic person, for demos and tests to pick subjects.
// Traits say which detention refusal path the person exercises.
type SimPerson struct {
	IDNumber         string
	Name             string
	FormerNames      []string
	Sex              string // "M" or "F"
	BirthDate        time.Time
	HouseholdAddress string
	Phone            string
	HasTravelDocs    bool
	HasStays         bool
	// Simulated facts the detention centre checks at intake.
	Pregnant       bool
	InfantBorn     time.Time // nursing a baby born on this date; zero if not
	SeriousIllness bool
	// Note says why the person is special ("七十周岁以上" …), "" for most.
	Note string
}

type simPerson struct {
	SimPerson
	residences []Residence
	photo      bool
	registered time.Time
	docs       []TravelDocument
	crossings  []Crossing // newest first
	stays      []Stay     // newest first
}

// Option tunes a Simulator.
type Option func(*Simulator)

// WithClock sets the clock used for ages at intake, intake and lodging
// times, and the nursing infant's birth (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Simulator) { s.now = now } }

// NewSimulator returns a simulator whose data is determined by seed (and,
// for the nursing mother's infant, by the clock at construction).
func NewSimulator(seed int64, opts ...Option) *Simulator {
	s := &Simulator{now: time.Now, intakes: map[string]*intake{}}
	for _, o := range opts {
		o(s)
	}
	s.people = generate(seed, s.now().In(cst))
	s.byID = make(map[string]*simPerson, len(s.people))
	for _, p := range s.people {
		s.byID[p.IDNumber] = p
	}
	return s
}

// People returns every synthetic person, the special ones first.
func (s *Simulator) People() []SimPerson {
	out := make([]SimPerson, len(s.people))
	for i, p := range s.people {
		out[i] = p.SimPerson
		out[i].FormerNames = append([]string(nil), p.FormerNames...)
	}
	return out
}

// Interfaces the simulator implements.
var (
	_ Population = (*Simulator)(nil)
	_ ExitEntry  = (*Simulator)(nil)
	_ Hotel      = (*Simulator)(nil)
	_ Detention  = (*Simulator)(nil)
)

// person finds a person by any accepted form of their number.
func (s *Simulator) person(idNumber string) (*simPerson, string, error) {
	n, err := normalizeID(idNumber)
	if err != nil {
		return nil, "", err
	}
	return s.byID[n], n, nil
}
