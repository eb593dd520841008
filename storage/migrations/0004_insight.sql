-- 0004: coordinator insight (roles, partners, trend, weekly summary).
-- Filled in during issue 4.
SELECT 1;
