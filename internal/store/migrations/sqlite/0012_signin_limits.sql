-- Sign-in codes are limited per IIN, per client address and overall, so
-- that no one can flood a citizen's phone, cycle through IINs from one
-- address, or run up the state's SMS bill. client is the address (an IPv6
-- network's /64) the code was asked from.
ALTER TABLE wallet_codes ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX wallet_codes_client ON wallet_codes (client, created_at);
CREATE INDEX wallet_codes_created ON wallet_codes (created_at);
