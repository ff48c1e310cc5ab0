"""The HTTP API (django-ninja): what other systems — a 12345 hotline, a 舆情 monitor, an office's
own scripts — may do, by the same rules and the same capability table as the pages."""
