-- In the SCD2 history, each version of a subscription ends exactly when the next one starts, versions
-- are numbered 1, 2, ... without gaps, and only the last one is current. Returns the versions that break it.

with versions as (
    select
        subscription_id,
        version,
        valid_from,
        valid_to,
        is_current,
        lead(valid_from) over (partition by subscription_id order by version) as next_valid_from,
        row_number() over (partition by subscription_id order by valid_from, version) as position,
        count(*) over (partition by subscription_id) as version_count
    from {{ ref('subscription_status_history') }}
)

select *
from versions
where version <> position
   or valid_to is distinct from next_valid_from
   or is_current <> (version = version_count)
   or valid_to < valid_from
