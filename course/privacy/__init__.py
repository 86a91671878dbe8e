"""Learner privacy, practised: what Lanyard keeps about a person (generated from the column declarations in
course/models), the export of all of it, account deletion and anonymisation, retention at term end and for unused
accounts, and the log of every look by staff at a student's records. No Flask views here; the pages are in
course/auth/my_data.py and course/classroom/privacy.py."""
