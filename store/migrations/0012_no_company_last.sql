-- 0012_no_company_last: contacts without a company come last in company
-- order, not first. The collation key of "" is the smallest of all;
-- leadmail_key now gives a blank company a key after every other
-- (collation.go, noCompanyKey), and the keys already stored are made again.
UPDATE contacts SET company_key = leadmail_key((SELECT locale FROM collation_locale), company)
WHERE trim(company) = '';
