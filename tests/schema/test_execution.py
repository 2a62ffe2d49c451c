"""Turns (src/schema/execution.py): busy resolvers leave the event loop to others between turns, and a
DataLoader's batch still gathers the keys loaded on every turn."""

import asyncio
import time

from strawberry.dataloader import DataLoader

from src.schema.execution import TIME_SLICE_SECONDS, TURN_TAKING_LOOP, take_turns

RESOLVERS = 40
WORK_SECONDS = 0.01  # what graphql-core builds from one resolver's rows, without yielding


def build_result(seconds: float) -> None:
    """Work that holds the loop, like completing a resolver's rows."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def test_busy_resolvers_take_turns_with_the_rest_of_the_loop() -> None:
    async def rounds_used(turns: bool) -> set[int]:
        """The rounds of a task that only yields in which the resolvers did their work: each round is the
        loop coming back to the rest of the server."""
        rounds = 0
        used: set[int] = set()

        async def resolver() -> None:
            await asyncio.sleep(0)  # they resume together, as resolvers do when a batch arrives
            if turns:
                await take_turns()
            used.add(rounds)
            build_result(WORK_SECONDS)

        work = asyncio.gather(*(resolver() for _ in range(RESOLVERS)))
        while not work.done():
            await asyncio.sleep(0)
            rounds += 1
        await work
        return used

    # Without turns the loop is held for all of them at once; with turns, a turn holds a slice's worth.
    assert len(await rounds_used(turns=False)) == 1
    assert len(await rounds_used(turns=True)) >= RESOLVERS * WORK_SECONDS / TIME_SLICE_SECONDS / 2


async def test_a_batch_waits_for_the_resolvers_taking_turns() -> None:
    async def level(loader: DataLoader[int, int]) -> list[int]:
        async def resolver(key: int) -> int:
            await asyncio.sleep(0)
            await take_turns()
            build_result(WORK_SECONDS / 2)
            return await loader.load(key)  # the next level's load, made on this resolver's turn

        return await asyncio.gather(*(resolver(key) for key in range(RESOLVERS)))

    batches: list[list[int]] = []

    async def load(keys: list[int]) -> list[int]:
        batches.append(keys)
        return keys

    assert RESOLVERS * WORK_SECONDS / 2 > 2 * TIME_SLICE_SECONDS  # the level spans several turns
    assert await level(DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)) == list(range(RESOLVERS))
    assert batches == [list(range(RESOLVERS))]  # one batch, one statement

    batches.clear()
    assert await level(DataLoader(load_fn=load)) == list(range(RESOLVERS))
    assert len(batches) > 1  # a plain DataLoader would send one batch a turn
