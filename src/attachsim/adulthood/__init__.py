"""Adulthood: compulsive relief-seeking (M8); partners and parenting follow."""
