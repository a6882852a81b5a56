"""The grammar (indicators.grammar, plans.deadlines), agency matching (agencies.matching) and file readers the
importer calls, in one place so the importer's modules read the same names."""

from agencies.matching import AgencyDirectory, name_key
from agencies.services import agency_create
from indicators.grammar import clean_cell, parse_baseline, parse_money, parse_target
from indicators.importing.readers import ReadError, read_blocks
from indicators.numbers import ParseError, format_number, parse_number
from plans.deadlines import parse_deadline

__all__ = ["AgencyDirectory", "ParseError", "ReadError", "agency_create", "clean_cell", "format_number", "name_key",
           "parse_baseline", "parse_deadline", "parse_money", "parse_number", "parse_target", "read_blocks"]
