#!/usr/bin/env python3
"""Builds internal/demo/data/baoan.geojson from the shared reference data.

Usage: python3 scripts/make-demo-geo.py ../shared/data internal/demo/data/baoan.geojson

Inputs (see internal/demo/data/README.md for sources and licences):
  geo/shenzhen-districts.geojson  the Bao'an district outline (feature qh=宝安)
  geo/baoan-streets.geojson       the 10 street outlines
  admin/shenzhen-streets.csv      the statistical codes of the streets
Output: one FeatureCollection, WGS84 [lon, lat], properties code, name, level,
parent. The islet that 航城街道 encodes as a hole outside its outer ring
becomes a second polygon of a MultiPolygon.
"""
import csv
import json
import sys


def ring2d(ring):
    return [[round(p[0], 6), round(p[1], 6)] for p in ring]


def main(shared, out):
    districts = json.load(open(f"{shared}/geo/shenzhen-districts.geojson", encoding="utf-8"))
    streets = json.load(open(f"{shared}/geo/baoan-streets.geojson", encoding="utf-8"))
    codes = {}
    with open(f"{shared}/admin/shenzhen-streets.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["areaCode"] == "440306":
                codes[row["name"]] = row["code"]
    features = []
    for f in districts["features"]:
        if f["properties"].get("qh") == "宝安":
            g = f["geometry"]
            coords = g["coordinates"]
            if g["type"] == "Polygon":
                coords = [coords]
            geom = {"type": "MultiPolygon", "coordinates": [[ring2d(r) for r in poly] for poly in coords]}
            features.append({"type": "Feature", "geometry": geom,
                             "properties": {"code": "440306", "name": "宝安区", "level": "district", "parent": "440300"}})
    for f in streets["features"]:
        name = f["properties"]["name"]
        rings = f["geometry"]["coordinates"]
        # Every ring after the first lies outside the outer ring in this data set: separate parts.
        geom = {"type": "MultiPolygon", "coordinates": [[ring2d(r)] for r in rings]}
        features.append({"type": "Feature", "geometry": geom,
                         "properties": {"code": codes[name], "name": name, "level": "street", "parent": "440306"}})
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {len(features)} features to {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
