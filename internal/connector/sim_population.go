package connector

import (
	"context"
	"time"
)

// Person implements Population.
func (s *Simulator) Person(ctx context.Context, idNumber string) (PersonRecord, error) {
	if err := ctx.Err(); err != nil {
		return PersonRecord{}, err
	}
	p, _, err := s.person(idNumber)
	if err != nil {
		return PersonRecord{}, err
	}
	if p == nil {
		return PersonRecord{}, notFound("该身份证号码的人口信息")
	}
	return PersonRecord{
		IDNumber: p.IDNumber, Name: p.Name, FormerNames: append([]string(nil), p.FormerNames...),
		Sex: p.Sex, BirthDate: p.BirthDate, HouseholdAddress: p.HouseholdAddress,
		Residences: append([]Residence(nil), p.residences...), PhotoAvailable: p.photo,
		Meta: Meta{Source: srcPopulation, RecordedAt: p.registered},
	}, nil
}

// since filters records at or after t; they are newest first.
func since[T any](xs []T, t time.Time, at func(T) time.Time) []T {
	out := []T{}
	for _, x := range xs {
		if !at(x).Before(t) {
			out = append(out, x)
		}
	}
	return out
}
