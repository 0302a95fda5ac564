import PostgresNIO

extension PostgresSchema {
    /// Version 3's statements: the append as one server-side function, so the log head is held for one statement
    /// and the commit only (decision 0098).
    ///
    /// - `sessiond.log_fact`: one row of what an appender must know: the head (`kind` 'head': end, checksum, last
    ///   record time, dictionary), a stream's version ('version'), an event id already in the log ('event': its
    ///   position, stream and version), or the head after a successful append ('appended').
    /// - `sessiond.log_facts(streams, event_ids)`: the head, the versions of `streams` and which of `event_ids` the
    ///   log holds, from one snapshot: consistent with each other without any lock.
    /// - `sessiond.append(expected head, streams, event ids, frames, records, last record time, lock timeout,
    ///   synchronous)`: locks the head (`FOR UPDATE`, its own statement, so the statements after it see every frame
    ///   committed before), and when the head is still the one the frames were encoded after (same end, chain value
    ///   and dictionary) inserts the frames and their record rows, moves the head, notifies and returns one
    ///   'appended' row. Otherwise — or when given no frames — it writes nothing and returns the facts as they are
    ///   under the lock; inside an explicit transaction the lock stays held, so the caller can decide and encode
    ///   again and call once more (the fallback when other nodes keep moving the head). Every append goes through
    ///   the head, so an unchanged head means the facts the caller decided on are unchanged too.
    static let version3: [PostgresQuery] = [
        """
        CREATE TYPE sessiond.log_fact AS (
            kind text, position bigint, checksum bigint, recorded_at bigint, dictionary_id integer,
            stream text, stream_version bigint, event_id uuid
        )
        """,
        """
        CREATE FUNCTION sessiond.log_facts(streams text[], event_ids uuid[]) RETURNS SETOF sessiond.log_fact
        LANGUAGE sql STABLE AS $$
            SELECT 'head', h.end_position, h.last_checksum, h.last_recorded_at, h.dictionary_id,
                NULL::text, NULL::bigint, NULL::uuid
            FROM sessiond.log_head h WHERE h.id = 1
            UNION ALL
            SELECT 'version', NULL, NULL, NULL, NULL, r.stream, max(r.stream_version), NULL
            FROM sessiond.record r WHERE r.stream = ANY(streams) GROUP BY r.stream
            UNION ALL
            SELECT 'event', r.position, NULL, NULL, NULL, r.stream, r.stream_version, r.event_id
            FROM sessiond.record r WHERE r.event_id = ANY(event_ids)
        $$
        """,
        """
        CREATE FUNCTION sessiond.append(
            expected_end bigint, expected_checksum bigint, expected_dictionary integer,
            streams text[], event_ids uuid[],
            frame_first bigint[], frame_last bigint[], frame_count integer[], frame_dictionary integer[],
            frame_checksum bigint[], frame_previous bigint[], frame_bytes bytea[],
            record_position bigint[], record_frame bigint[], record_stream text[], record_version bigint[],
            record_event uuid[], last_recorded_at bigint, wait_for_lock text, synchronous boolean
        ) RETURNS SETOF sessiond.log_fact
        LANGUAGE plpgsql AS $$
        DECLARE
            head sessiond.log_head;
            last integer := cardinality(frame_last);
        BEGIN
            PERFORM set_config('lock_timeout', wait_for_lock, true);
            IF NOT synchronous THEN
                PERFORM set_config('synchronous_commit', 'off', true);
            END IF;
            SELECT * INTO head FROM sessiond.log_head WHERE id = 1 FOR UPDATE;
            IF last = 0 OR head.end_position <> expected_end OR head.last_checksum <> expected_checksum
                OR head.dictionary_id <> expected_dictionary
            THEN
                RETURN QUERY SELECT * FROM sessiond.log_facts(streams, event_ids);
                RETURN;
            END IF;
            INSERT INTO sessiond.frame
                (first_position, last_position, record_count, dictionary_id, checksum, previous_checksum, bytes)
            SELECT * FROM unnest(frame_first, frame_last, frame_count, frame_dictionary, frame_checksum,
                frame_previous, frame_bytes);
            INSERT INTO sessiond.record (position, frame_position, stream, stream_version, event_id)
            SELECT * FROM unnest(record_position, record_frame, record_stream, record_version, record_event);
            UPDATE sessiond.log_head SET end_position = frame_last[last], last_checksum = frame_checksum[last],
                last_recorded_at = append.last_recorded_at
            WHERE id = 1;
            PERFORM pg_notify('sessiond_log', frame_last[last]::text);
            RETURN QUERY SELECT 'appended'::text, frame_last[last], frame_checksum[last], append.last_recorded_at,
                head.dictionary_id, NULL::text, NULL::bigint, NULL::uuid;
        END
        $$
        """,
    ]
}
