"""The three roles a member can hold in a program."""

PARTICIPANT = "participant"
FACILITATOR = "facilitator"
EXPERT = "expert"
ROLES = (PARTICIPANT, FACILITATOR, EXPERT)
STAFF = (FACILITATOR, EXPERT)
