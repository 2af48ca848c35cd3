package i18n

import (
	"fmt"
	"math"
	"strings"
	"time"

	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Number is v rounded, grouped in lang's way: "12,345"; Russian "12 345".
func Number(lang Language, v float64) string {
	return message.NewPrinter(lang.Tag()).Sprint(number.Decimal(math.Round(v)))
}

// Decimal is v with digits decimals, in lang's way: "2.0"; Russian "2,0".
func Decimal(lang Language, v float64, digits int) string {
	return message.NewPrinter(lang.Tag()).Sprint(number.Decimal(v, number.Scale(digits)))
}

// Percent is a rate from 0 to 1 as a whole percentage: "13%"; Russian "13 %".
func Percent(lang Language, r float64) string {
	n := int(math.Round(100 * r))
	if lang == Russian {
		return fmt.Sprintf("%d\u00a0%%", n)
	}
	return fmt.Sprintf("%d%%", n)
}

var ruMonths = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
var ruShortMonths = [...]string{"янв.", "февр.", "мар.", "апр.", "мая", "июн.", "июл.", "авг.", "сент.", "окт.", "нояб.", "дек."}
var ruWeekdays = [...]string{"вс", "пн", "вт", "ср", "чт", "пт", "сб"}
var zhWeekdays = [...]string{"日", "一", "二", "三", "四", "五", "六"}

// Date is a day with its year: "17 May 2026"; "2026年5月17日"; "17 мая 2026 г.".
func Date(lang Language, t time.Time) string {
	switch lang {
	case ChineseTraditional, ChineseSimplified:
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	case Russian:
		return fmt.Sprintf("%d %s %d г.", t.Day(), ruMonths[t.Month()-1], t.Year())
	}
	return t.Format("2 Jan 2006")
}

// Day is a day without its year: "17 May"; "5月17日"; "17 мая".
func Day(lang Language, t time.Time) string {
	switch lang {
	case ChineseTraditional, ChineseSimplified:
		return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
	case Russian:
		return fmt.Sprintf("%d %s", t.Day(), ruShortMonths[t.Month()-1])
	}
	return t.Format("2 Jan")
}

// Weekday is a short weekday and day of the month: "Mon 2"; "週一 2日" / "周一 2日"; "пн 2".
func Weekday(lang Language, t time.Time) string {
	switch lang {
	case ChineseTraditional:
		return fmt.Sprintf("週%s %d日", zhWeekdays[t.Weekday()], t.Day())
	case ChineseSimplified:
		return fmt.Sprintf("周%s %d日", zhWeekdays[t.Weekday()], t.Day())
	case Russian:
		return fmt.Sprintf("%s %d", ruWeekdays[t.Weekday()], t.Day())
	}
	return t.Format("Mon 2")
}

// WeekdayDay is a day with its weekday, without the year: "Mon 2 Jan";
// "5月17日 週日"; "вс, 17 мая".
func WeekdayDay(lang Language, t time.Time) string {
	switch lang {
	case ChineseTraditional:
		return Day(lang, t) + " 週" + zhWeekdays[t.Weekday()]
	case ChineseSimplified:
		return Day(lang, t) + " 周" + zhWeekdays[t.Weekday()]
	case Russian:
		return ruWeekdays[t.Weekday()] + ", " + Day(lang, t)
	}
	return t.Format("Mon 2 Jan")
}

// Clock is a time of day, 24-hour in every language: "15:04".
func Clock(t time.Time) string { return t.Format("15:04") }

// DateTime is a day with its year and the time: "17 May 2026 15:04".
func DateTime(lang Language, t time.Time) string {
	if lang == Russian {
		return strings.TrimSuffix(Date(lang, t), " г.") + ", " + Clock(t)
	}
	return Date(lang, t) + " " + Clock(t)
}

// DayTime is a day without its year and the time: "17 May 15:04".
func DayTime(lang Language, t time.Time) string {
	if lang == Russian {
		return Day(lang, t) + ", " + Clock(t)
	}
	return Day(lang, t) + " " + Clock(t)
}

// chinese reports whether lang is written in Chinese: no space between
// sentences or words, its own punctuation.
func chinese(lang Language) bool { return lang == ChineseTraditional || lang == ChineseSimplified }

// Sentences joins sentences as lang writes them: a space between them, none
// in Chinese (its full stop 。 is wide). Empty ones are left out.
func Sentences(lang Language, parts ...string) string {
	sep := " "
	if chinese(lang) {
		sep = ""
	}
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// ListSeparator separates the items of a list in lang: ", "; the
// ideographic comma 、 in Chinese.
func ListSeparator(lang Language) string {
	if chinese(lang) {
		return "、"
	}
	return ", "
}
