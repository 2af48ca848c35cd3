package cases

import (
	"testing"

	"verifydesk/data"
	"verifydesk/services/i18n"
)

func TestCustomerLanguageFromAppThenCountryThenCase(t *testing.T) {
	for _, c := range []struct {
		acc  data.Account
		want i18n.Language
	}{
		{data.Account{Region: "TW", AppLanguage: "zh-Hant-TW"}, i18n.ChineseTraditional},
		{data.Account{Region: "TW"}, i18n.ChineseTraditional},
		{data.Account{Region: "HK"}, i18n.ChineseTraditional},
		{data.Account{Region: "CN", AppLanguage: "zh-Hans-CN"}, i18n.ChineseSimplified},
		{data.Account{Region: "DE", AppLanguage: "ru-RU"}, i18n.Russian}, // the app wins over the country
		{data.Account{Region: "RU", AppLanguage: "en-US"}, i18n.English},
		{data.Account{Region: "RU", AppLanguage: "de-DE"}, i18n.Russian}, // an app language we lack: the country's
		{data.Account{Region: "GB"}, i18n.English},
		{data.Account{}, i18n.English},
	} {
		got, why := SuggestedLanguage(c.acc)
		if got != c.want || why.InEnglish() == "" {
			t.Errorf("SuggestedLanguage(%+v) = %s (%q), want %s", c.acc, got, why.InEnglish(), c.want)
		}
		if cl := CustomerLanguage(data.Case{}, c.acc); cl != c.want {
			t.Errorf("a case without a choice speaks %s, want %s", cl, c.want)
		}
		if cl := CustomerLanguage(data.Case{CustomerLanguage: "ru"}, c.acc); cl != i18n.Russian {
			t.Errorf("a case set to Russian speaks %s", cl)
		}
	}
}
