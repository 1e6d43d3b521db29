"""What a person's check-ins and listening say over time, computed set-based.

* `queries`  every database read (ORM, a fixed number of queries each)
* `figures`  the figures computed from those rows
* `results`  the dataclasses the figures return, and the thresholds
* `wording`  how figures and buckets are labelled on the page

The SVG charts that draw them are in journal/charts.py.
"""
